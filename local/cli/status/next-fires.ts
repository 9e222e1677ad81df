import { nextFireTimes, parseTimerCron } from '#local/runtime/timers';
import type { FunctionSpec } from '#local/runtime/s-yaml';
import type { FcReader } from '../ops/fc-reader';

/** One timer of the worker and when it fires next. */
export interface TimerFire {
  trigger: string;
  action?: string;
  cron: string;
  enabled: boolean;
  /** ISO time of the next fire; absent when disabled or the cron cannot be read. */
  next?: string;
  problem?: string;
}

const actionOf = (payload: unknown): string | undefined => {
  try {
    const v = JSON.parse(String(payload)) as { action?: unknown };
    return typeof v.action === 'string' ? v.action : undefined;
  } catch {
    return undefined; // not our payload shape
  }
};

/**
 * The worker's timers and their next fire after `now`: as FC holds them (ListTriggers: what is deployed), else as
 * s.yaml declares them (`from` says which). Crons are FC's six fields, UTC unless `CRON_TZ=` (local/runtime/timers.ts).
 */
export async function nextFires(o: { fc?: FcReader; worker: string; functions: () => Promise<FunctionSpec[]>; now: Date }): Promise<{ from: 'fc' | 's.yaml'; timers: TimerFire[]; note?: string }> {
  let raw: Array<{ name: string; config: Record<string, unknown> }>;
  let from: 'fc' | 's.yaml' = 'fc';
  let note: string | undefined;
  try {
    if (!o.fc) throw new Error('FC is not named (FC_ACCOUNT_ID)');
    raw = (await o.fc.listTriggers(o.worker)).filter((t) => t.triggerType === 'timer').map((t) => ({ name: t.triggerName, config: t.config ?? {} }));
  } catch (e) {
    from = 's.yaml';
    note = `FC's triggers not read (${(e as Error).message}): showing s.yaml's`;
    const spec = (await o.functions()).find((f) => f.functionName === o.worker);
    raw = (spec?.triggers ?? []).filter((t) => t.triggerType === 'timer').map((t) => ({ name: t.triggerName, config: t.triggerConfig }));
  }
  const timers = raw.map((t): TimerFire => {
    const cron = String(t.config.cronExpression ?? '');
    const enabled = t.config.enable !== false;
    const action = actionOf(t.config.payload);
    const base = { trigger: t.name, ...(action ? { action } : {}), cron, enabled };
    if (!enabled) return base;
    try {
      const next = nextFireTimes(parseTimerCron(cron), 1, o.now)[0];
      return { ...base, ...(next ? { next: next.toISOString() } : {}) };
    } catch (e) {
      return { ...base, problem: (e as Error).message };
    }
  });
  timers.sort((a, b) => (a.next ?? '~').localeCompare(b.next ?? '~'));
  return { from, timers, ...(note ? { note } : {}) };
}
