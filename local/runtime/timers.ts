import { Cron } from 'croner';
import type { FunctionSpec } from './s-yaml';

/** A timer trigger's cron, parsed: a 6-field pattern in a time zone (UTC unless `CRON_TZ=`), or `@every <d>`. */
export type TimerSchedule = { kind: 'cron'; pattern: string; timezone: string } | { kind: 'every'; intervalMs: number };

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000 };

/**
 * Parse FC's `cronExpression` (https://www.alibabacloud.com/help/en/functioncompute/fc/user-guide/time-triggers): six
 * fields `Seconds Minutes Hours Day Month Weekday`, UTC by default, `CRON_TZ=Area/City ` prefix for a zone, or
 * `@every 1h30m`. Throws on anything else, so a bad
 * expression in s.yaml fails at startup rather than never firing.
 */
export function parseTimerCron(expr: string): TimerSchedule {
  const s = expr.trim();
  const every = /^@every\s+((?:\d+[hms])+)$/.exec(s);
  if (every) {
    let ms = 0;
    for (const [, n, u] of every[1]!.matchAll(/(\d+)([hms])/g)) ms += Number(n) * UNIT_MS[u!]!;
    if (ms <= 0) throw new Error(`timer "${expr}": interval must be positive`);
    return { kind: 'every', intervalMs: ms };
  }
  const tz = /^CRON_TZ=(\S+)\s+(.*)$/.exec(s);
  const pattern = (tz ? tz[2]! : s).trim();
  const timezone = tz ? tz[1]! : 'UTC';
  if (pattern.split(/\s+/).length !== 6) throw new Error(`timer "${expr}": FC cron needs 6 fields (seconds first)`);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone }); // croner only notices a bad zone when it fires
  } catch {
    throw new Error(`timer "${expr}": unknown time zone ${timezone}`);
  }
  new Cron(pattern, { timezone, paused: true }).stop(); // validates the fields
  return { kind: 'cron', pattern, timezone };
}

/** The next `n` fire times after `from` (what tests and `npm start` print; no waiting). */
export function nextFireTimes(schedule: TimerSchedule, n: number, from: Date): Date[] {
  if (schedule.kind === 'every') return Array.from({ length: n }, (_, i) => new Date(from.getTime() + (i + 1) * schedule.intervalMs));
  const job = new Cron(schedule.pattern, { timezone: schedule.timezone, paused: true });
  try {
    return job.nextRuns(n, from);
  } finally {
    job.stop();
  }
}

/** The timer event FC delivers: `triggerTime` in UTC without milliseconds, `payload` as configured. */
export function timerEvent(triggerName: string, at: Date, payload: string): string {
  return JSON.stringify({ triggerTime: at.toISOString().replace(/\.\d{3}Z$/, 'Z'), triggerName, payload });
}

export interface ScheduledTimer {
  functionName: string;
  triggerName: string;
  schedule: TimerSchedule;
  payload: string;
}

/** Enabled timer triggers of these functions, parsed (a disabled trigger is listed by FC but never fires). */
export function timerTriggers(fns: FunctionSpec[]): ScheduledTimer[] {
  return fns.flatMap((f) =>
    f.triggers
      .filter((t) => t.triggerType === 'timer' && t.triggerConfig.enable !== false)
      .map((t) => ({
        functionName: f.functionName,
        triggerName: t.triggerName,
        schedule: parseTimerCron(String(t.triggerConfig.cronExpression ?? '')),
        payload: typeof t.triggerConfig.payload === 'string' ? t.triggerConfig.payload : JSON.stringify(t.triggerConfig.payload ?? ''),
      })),
  );
}

/** Start firing timers; `fire` gets the event text. Returns a stop function that cancels every schedule. */
export function startTimers(timers: ScheduledTimer[], fire: (t: ScheduledTimer, event: string) => void): () => void {
  const stops = timers.map((t) => {
    if (t.schedule.kind === 'every') {
      const h = setInterval(() => fire(t, timerEvent(t.triggerName, new Date(), t.payload)), t.schedule.intervalMs);
      h.unref();
      return () => clearInterval(h);
    }
    const job = new Cron(t.schedule.pattern, { timezone: t.schedule.timezone, unref: true }, (self: Cron) => {
      // croner calls back at the scheduled instant; report that instant, not "now" plus jitter.
      fire(t, timerEvent(t.triggerName, self.currentRun() ?? new Date(), t.payload));
    });
    return () => job.stop();
  });
  return () => stops.forEach((s) => s());
}
