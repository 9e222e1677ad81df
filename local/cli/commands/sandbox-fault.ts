import type { CliIo } from './index';
import { sandboxUrls } from './sandbox';

export const FAULT_USAGE = 'sandbox fault --list | sandbox fault <name> [--times N] [--arg X] | sandbox fault clear [name]';

interface FaultInfo {
  name: string;
  description: string;
  argHelp?: string;
  active: boolean;
  remaining?: number;
  arg?: string;
}

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as { message?: string };
  if (!res.ok) throw new Error(json.message ?? `${method} ${url}: HTTP ${res.status}`);
  return json;
}

const line = (f: FaultInfo): string =>
  `${f.active ? '●' : '○'} ${f.name.padEnd(18)} ${f.active ? `ACTIVE${f.remaining !== undefined ? ` (${f.remaining} left)` : ''}${f.arg ? ` arg=${f.arg}` : ''} — ` : ''}${f.description}${f.argHelp ? ` [--arg: ${f.argHelp}]` : ''}`;

/**
 * `sandbox fault`: rehearse failures in the running sandbox through its index page (`.sandbox/sandbox.json`).
 * `--list` shows every named fault and which are active; `<name> [--times N] [--arg X]` switches one on (until
 * cleared, or for N firings); `clear [name]` switches one or all off.
 * @example npm run -s ops -- sandbox fault oss-read --times 3
 */
export async function sandboxFault(args: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = args;
  if (!first) {
    io.err(`usage: npm run -s ops -- ${FAULT_USAGE}`);
    return 2;
  }
  const index = sandboxUrls(io).index;
  if (!index) throw new Error('this sandbox has no index page (no index URL in sandbox.json)');
  if (first === '--list' || first === 'list') {
    const { faults } = (await call(`${index}/faults`, 'GET')) as { faults: FaultInfo[] };
    for (const f of faults) io.out(line(f));
    return 0;
  }
  if (first === 'clear') {
    if (rest.length > 1) throw new Error(`usage: npm run -s ops -- ${FAULT_USAGE}`);
    await call(`${index}/faults${rest[0] ? `/${encodeURIComponent(rest[0])}` : ''}`, 'DELETE');
    io.out(rest[0] ? `cleared ${rest[0]}` : 'cleared every fault');
    return 0;
  }
  const body: { times?: number; arg?: string } = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = (): string => rest[++i] ?? (() => { throw new Error(`${a} needs a value`); })();
    if (a === '--times') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error('--times wants a positive integer');
      body.times = n;
    } else if (a === '--arg') body.arg = value();
    else throw new Error(`unknown flag ${a}; usage: npm run -s ops -- ${FAULT_USAGE}`);
  }
  io.out(line((await call(`${index}/faults/${encodeURIComponent(first)}`, 'POST', body)) as FaultInfo));
  return 0;
}
