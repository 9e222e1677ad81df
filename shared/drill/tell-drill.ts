import { step } from '#shared/backup/orchestrate/step-log';
import type { OssPort } from '#shared/cloud/oss/index';
import { AppError, toAppError } from '#shared/errors/index';
import type { Logger } from '#shared/log/index';
import type { Notifier } from '#shared/notify/index';
import type { Clock } from '#shared/runtime/index';
import { drillContent } from './drill-message';
import { drillRecordKey, drillRunKey, type DrillRun } from './drill-record';
import type { DrillReport } from './drill-report';

/**
 * Store and tell a drill's report: beside the backup's verified record (`verified/<name>.drill.json`, when a backup
 * was drilled), then one message on every channel (an event: every drill tells; failed is ❌), then the run record.
 * A failed drill whose message reached no channel makes the invocation fail (retryable), as a failed backup's does
 * (shared/backup/orchestrate/report-run.ts): FC's retry finds the run record and tells again, never drills again.
 */
export async function tellDrill(d: { oss: OssPort; notifier: Notifier; clock: Clock; log: Logger }, o: { prefixes: { ossPrefix: string }; runKey: string }, r: DrillReport, again = false): Promise<DrillReport> {
  if (!again && r.backup) {
    const key = drillRecordKey(o.prefixes.ossPrefix, r.backup);
    await step(d, 'store', async () => {
      try {
        await d.oss.putJson(key, r);
        r.stored = key;
      } catch (e) {
        r.storeError = `the report could not be stored at ${key}: ${toAppError(e).message}`;
      }
    }, () => (r.stored ? 'ok' : 'failed'));
  }
  const told = await step(d, 'notify', () => d.notifier.notify({ action: 'restore-drill', event: true, build: () => drillContent(r) }), (x) => (x.delivered ? 'sent' : x.allFailed ? 'failed' : 'skipped'));
  r.notify = { delivered: told.delivered, ...(told.allFailed ? { allFailed: true } : {}), channels: Object.fromEntries(told.results.map((x) => [x.channel, x.ok ? 'sent' : x.skipped ? 'skipped' : 'failed'])) };
  const run: DrillRun = { schema: 'gitlab-ask-ops/drill-run@1', key: o.runKey, told: !told.allFailed, report: r };
  await d.oss.putJson(drillRunKey(o.prefixes.ossPrefix, o.runKey), run).catch((e: unknown) => d.log.warn('drill run record not written: an FC retry would drill again', { error: toAppError(e).message }));
  if (told.allFailed && r.result === 'failed') {
    throw new AppError('MAIL', `restore drill of ${r.backup || '(no backup)'} failed at ${r.step ?? '?'} and its message reached no channel; FC retries this task to tell it again, not to drill again`, { retryable: true, details: { backup: r.backup, step: r.step } });
  }
  return r;
}
