import { checkRpo, renderWatchdogMail } from '#shared/backup/index';
import type { OssPort } from '#shared/cloud/oss/index';
import { requireKeys } from '#shared/config/index';
import { toAppError } from '#shared/errors/index';
import type { Mailer } from '#shared/mail/index';
import type { ActionDefinition, PlanStep } from '../types';

/**
 * `watchdog`: when no backup verified by us (`verified/<name>.json`, aged by its `createdAt`) is younger than
 * BACKUP_RPO_HOURS, the result is `failed` (exit 1) and one ❌ mail goes out; quiet and `ok` otherwise. The report
 * lists the backups, their ages and total size either way.
 */
export const watchdog: ActionDefinition = {
  name: 'watchdog',
  description: 'Alert (failed + one mail) when no verified backup exists within BACKUP_RPO_HOURS.',
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
    const step: PlanStep = { kind: 'mail', target: env.MAIL_TO.join(',') || '(mail not configured)', reason: report.cause ?? 'RPO met: no mail' };
    let mail: { sent: boolean; skipped?: boolean; detail?: string } | undefined;
    if (!report.ok && !ctx.dryRun) {
      try {
        const sent = await (ctx.ports.mail as Mailer).send(renderWatchdogMail(report));
        mail = { sent: sent.sent, ...(sent.skipped ? { skipped: true, detail: sent.skipped } : {}) };
      } catch (e) {
        mail = { sent: false, detail: toAppError(e).message };
      }
    }
    return {
      action: 'watchdog',
      dryRun: ctx.dryRun,
      // A breached RPO is a failure, whatever happened to the mail: the mail is ❌ and the exit code is 1.
      status: report.ok ? 'ok' : 'failed',
      summary: report.ok ? `newest verified backup ${report.newestVerified} was taken ${report.newestVerifiedAgeHours} h ago (RPO ${report.rpoHours} h)` : `RPO breached: ${report.cause}`,
      plan: report.ok ? [] : [step],
      done: report.ok || ctx.dryRun ? [] : [{ step, outcome: mail?.sent ? 'applied' : mail?.skipped ? 'skipped' : 'failed', ...(mail?.detail ? { detail: mail.detail } : {}) }],
      report: { ...report, ...(mail ? { mail } : {}) },
      ...(report.ok ? {} : { errors: [{ code: 'BACKUP_FAILED', message: `RPO breached: ${report.cause}` }] }),
    };
  },
};
