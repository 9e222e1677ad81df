import { AppError } from '#shared/errors/index';
import type { Logger } from '#shared/log/index';
import type { Notifier } from '#shared/notify/index';
import type { Clock } from '#shared/runtime/index';
import { step } from '#shared/backup/orchestrate/step-log';
import { restoreContent } from './restore-message';
import type { RestoreReport } from './restore-report';

/**
 * Tell the restore's outcome on every channel (an event). Two outcomes make FC retry the task, as the backup does
 * (shared/backup/orchestrate/report-run.ts): a restore that did not succeed whose message reached no channel, and a
 * restore still running at the deadline — the retry finds the same invocation by its command name and reports it,
 * it never restores again. A refusal after the preconditions is told too; an unconfirmed request is only answered.
 */
export async function finishRestore(d: { notifier: Notifier; clock: Clock; log: Logger }, r: RestoreReport): Promise<RestoreReport> {
  const o = await step(d, 'notify', () => d.notifier.notify({ action: 'restore', event: true, build: () => restoreContent(r) }), (x) => (x.delivered ? 'sent' : x.allFailed ? 'failed' : 'skipped'));
  const out: RestoreReport = { ...r, notify: { delivered: o.delivered, ...(o.allFailed ? { allFailed: true } : {}), channels: Object.fromEntries(o.results.map((x) => [x.channel, x.ok ? 'sent' : x.skipped ? 'skipped' : 'failed'])) } };
  if (r.status === 'running' && r.invokeId) {
    throw new AppError('TIMEOUT', `restore of ${r.backup} is still running on ${r.instanceId} at the worker's deadline; FC's retry of this task follows the same invocation`, { retryable: true, details: { backup: r.backup, invokeId: r.invokeId } });
  }
  if (o.allFailed && r.status !== 'restored' && r.status !== 'planned' && r.invokeId) {
    throw new AppError('MAIL', `restore of ${r.backup} ${r.status} at ${r.step ?? '?'} and its message reached no channel; FC retries this task to tell it again, not to restore again`, { retryable: true, details: { backup: r.backup, step: r.step } });
  }
  return out;
}
