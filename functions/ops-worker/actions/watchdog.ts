import { checkRpo, watchdogContent, watchdogFindings } from '#shared/backup/index';
import type { OssPort } from '#shared/cloud/oss/index';
import { requireKeys } from '#shared/config/index';
import { notifierFor, notifyDone, notifyStep, notifySummary } from '../notify';
import type { ActionDefinition } from '../types';

/**
 * `watchdog`: when no backup verified by us (`verified/<name>.json`, aged by its `createdAt`) is younger than
 * BACKUP_RPO_HOURS, the result is `failed` (exit 1). The breach is a condition (ADR 0023): one ❌ message when it
 * starts, a reminder after NOTIFY_REMIND_HOURS, one "resolved" when a verified backup is young enough again; the
 * hourly runs in between are silent. The report lists the backups, their ages and total size either way.
 */
export const watchdog: ActionDefinition = {
  name: 'watchdog',
  description: 'Alert (failed + one message, reminders, resolved) when no verified backup exists within BACKUP_RPO_HOURS.',
  async run(ctx) {
    requireKeys(ctx.config, 'watchdog', ['OSS_BUCKET']);
    const env = ctx.config.env;
    const report = await checkRpo(ctx.ports.oss as OssPort, {
      ossPrefix: env.OSS_PREFIX,
      configPrefix: env.BACKUP_CONFIG_PREFIX,
      rpoHours: env.BACKUP_RPO_HOURS,
      now: ctx.clock.now(),
      retention: { keepMin: env.BACKUP_KEEP_MIN, keepDays: env.BACKUP_KEEP_DAYS, keepLabelled: env.BACKUP_KEEP_LABELLED },
    });
    const target = `oss://${env.OSS_BUCKET}/${env.OSS_PREFIX}`;
    const step = notifyStep(env, report.cause ?? 'RPO met: a message only if a breach was told before (resolved)');
    const told = await notifierFor(ctx).notify({ action: 'watchdog', findings: watchdogFindings(report, target), build: (d) => watchdogContent(report, d, target) });
    return {
      action: 'watchdog',
      dryRun: ctx.dryRun,
      // A breached RPO is a failure, whatever happened to the message: the exit code is 1.
      status: report.ok ? 'ok' : 'failed',
      summary: report.ok ? `newest verified backup ${report.newestVerified} was taken ${report.newestVerifiedAgeHours} h ago (RPO ${report.rpoHours} h)` : `RPO breached: ${report.cause}`,
      plan: report.ok && !told.told ? [] : [step],
      done: report.ok && !told.told ? [] : [notifyDone(step, told)],
      report: { ...report, notify: notifySummary(told) },
      ...(report.ok ? {} : { errors: [{ code: 'BACKUP_FAILED', message: `RPO breached: ${report.cause}` }] }),
    };
  },
};
