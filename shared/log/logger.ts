import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where log lines go: one JSON object per call. */
export type LogSink = (line: string) => void;

/** Structured JSON-lines logger. `child` adds bindings (requestId, deliveryId, action, ...). Secrets are redacted. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
  bindings?: Record<string, unknown>;
  now?: () => Date;
}

const stdoutSink: LogSink = (line) => {
  process.stdout.write(line + '\n');
};

/**
 * @example
 * const log = createLogger({ level: 'info' }).child({ fn: 'gitlab-webhook', requestId });
 * log.info('accepted', { actions: 1 });
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const sink = opts.sink ?? stdoutSink;
  const bindings = opts.bindings ?? {};
  const now = opts.now ?? (() => new Date());
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[lvl] < ORDER[level]) return;
    const rec = redact({ time: now().toISOString(), level: lvl, msg, ...bindings, ...fields });
    sink(JSON.stringify(rec));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (b) => createLogger({ level, sink, now, bindings: { ...bindings, ...b } }),
  };
}

/** A logger that keeps lines in memory, for tests. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({ level, sink: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  return Object.assign(log, { lines });
}

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger({ sink: () => undefined, level: 'error' });
