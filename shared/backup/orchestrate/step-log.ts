import type { Logger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/index';

/**
 * Run one orchestration step between the two progress log lines every action uses (a CLI helper renders them):
 * `step start {step}` and `step end {step, outcome, elapsedMs}`. `outcome` names how it went ('ok' unless the
 * step says otherwise); a throw is logged as outcome 'error' and rethrown.
 * @example const r = await step(d, 'verify-oss', () => verifyBackup(oss, o), (v) => (v.ok ? 'ok' : 'failed'));
 */
export async function step<T>(d: { log: Logger; clock: Clock }, name: string, fn: () => Promise<T>, outcome: (t: T) => string = () => 'ok'): Promise<T> {
  const t0 = d.clock.now().getTime();
  d.log.info('step start', { step: name });
  try {
    const t = await fn();
    d.log.info('step end', { step: name, outcome: outcome(t), elapsedMs: d.clock.now().getTime() - t0 });
    return t;
  } catch (e) {
    d.log.info('step end', { step: name, outcome: 'error', elapsedMs: d.clock.now().getTime() - t0 });
    throw e;
  }
}
