/**
 * What happens to the function's JSON log lines during `invoke`:
 * - `progress` (stderr is a terminal): the step convention — `log.info('step start', { step })` and
 *   `log.info('step end', { step, outcome, elapsedMs })` — and the worker's `action start`/`action done` drawn as
 *   one line each with the time since the start; warnings and errors as one line; other lines hidden;
 * - `raw` (`--logs`): every line as the function wrote it, for `jq` and log files;
 * - `quiet` (`--quiet`, and the default when stderr is a file or pipe): only warnings and errors, raw.
 */
export type LogMode = 'progress' | 'raw' | 'quiet';

type Rec = Record<string, unknown> & { level?: string; msg?: string };
// Bindings every worker line carries: not worth repeating on a progress line.
const BINDINGS = new Set(['time', 'level', 'msg', 'fn', 'requestId', 'action', 'deliveryId', 'step']);

/** `0.4s`, `12.0s`, `3m05s`. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function parse(line: string): Rec | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null ? (v as Rec) : undefined;
  } catch {
    return undefined; // not a log record: shown as it is
  }
}

function fields(r: Rec, max = 160): string {
  const rest = Object.fromEntries(Object.entries(r).filter(([k]) => !BINDINGS.has(k)));
  const s = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A line sink for the function's log output; `write` gets whole lines to show on stderr. */
export function createLogView(mode: LogMode, write: (line: string) => void, now: () => number = Date.now): (line: string) => void {
  const start = now();
  const open: string[] = [];
  const at = (): string => formatElapsed(now() - start).padStart(7);
  return (line) => {
    if (!line.trim()) return;
    const r = parse(line);
    const serious = r?.level === 'warn' || r?.level === 'error';
    if (mode === 'raw' || (mode === 'quiet' && (serious || !r))) return write(line);
    if (mode === 'quiet') return;
    if (!r) return write(line);
    const indent = '  '.repeat(open.length);
    if (r.msg === 'step start' && typeof r.step === 'string') {
      write(`${at()} ${indent}▸ ${r.step}`);
      open.push(r.step);
    } else if (r.msg === 'step end' && typeof r.step === 'string') {
      const i = open.lastIndexOf(r.step);
      if (i >= 0) open.splice(i, 1);
      const outcome = typeof r.outcome === 'string' ? r.outcome : 'done';
      const mark = /^(ok|done|skipped|verified|changed)$/.test(outcome) ? '✓' : '✗';
      const took = typeof r.elapsedMs === 'number' ? ` (${formatElapsed(r.elapsedMs)})` : '';
      write(`${at()} ${'  '.repeat(open.length)}${mark} ${r.step} ${outcome}${took}`);
    } else if (r.msg === 'action start') {
      write(`${at()} ${indent}▸ ${String(r.action ?? 'action')}${r.dryRun === true ? ' (dry run)' : ''}`);
      open.push('\0action');
    } else if (r.msg === 'action done') {
      const i = open.lastIndexOf('\0action');
      if (i >= 0) open.splice(i);
      const status = String(r.status ?? 'done');
      write(`${at()} ${'  '.repeat(open.length)}${status === 'failed' ? '✗' : '✓'} ${String(r.action ?? 'action')} ${status}${typeof r.summary === 'string' ? ` — ${r.summary}` : ''}`);
    } else if (serious) write(`${at()} ${indent}! ${r.level}: ${String(r.msg)}${fields(r)}`);
  };
}

/** Collect `process.stdout.write` output (the JSON logger's sink) as lines for `sink` until the returned stop(). */
export function captureStdoutLines(sink: (line: string) => void): () => void {
  const original = process.stdout.write;
  let buf = '';
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    buf += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      sink(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    const cb = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
    if (buf) sink(buf);
  };
}
