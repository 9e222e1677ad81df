import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';
import { backupScriptConfigFromEnv } from '#shared/backup/script/index';
import { runBackup, type BackupReport, type EcsPort } from '#shared/backup/index';
import type { OssPort } from '#shared/cloud/oss/index';
import { requireKeys } from '#shared/config/index';
import type { Mailer } from '#shared/mail/index';
import type { ActionDefinition, ActionResult, PlanStep } from '../types';

// zod/mini keeps the worker's cold start small (docs/adr/0015-cold-start.md).
setupZod();

const params = z.strictObject({
  /** ISO date of the night to back up (default now; the run name is its Asia/Seoul calendar day). */
  runDate: z.optional(z.iso.datetime()),
  /** Start a new run even if tonight's invocation or verified record exists (after fixing a failure). */
  force: z.optional(z.boolean()),
});

const STATUS: Record<BackupReport['status'], ActionResult['status']> = {
  planned: 'ok',
  verified: 'changed',
  'already-verified': 'ok',
  running: 'degraded',
  failed: 'failed',
};

/**
 * `backup`: gitlab-backup on the GitLab host through Cloud Assistant, verified independently on OSS, retention
 * double-checked, mailed. Host and verification failures come back as `status: failed` (FC does not retry a
 * returned result); only transient API errors before RunCommand was accepted are thrown (retryable). See ADR 0012.
 */
export const backup: ActionDefinition<z.infer<typeof params>> = {
  name: 'backup',
  description: 'Nightly GitLab backup: RunCommand → poll → verify on OSS → retention → mail.',
  params,
  async run(ctx) {
    requireKeys(ctx.config, 'backup', ['BACKUP_INSTANCE_ID', 'OSS_BUCKET']);
    const env = ctx.config.env;
    const script = backupScriptConfigFromEnv(env);
    const plan: PlanStep[] = [
      { kind: 'run-command', target: env.BACKUP_INSTANCE_ID!, reason: `gitlab-backup via Cloud Assistant, Timeout ${env.BACKUP_TIMEOUT_SECONDS} s` },
      { kind: 'verify', target: `oss://${env.OSS_BUCKET}/${env.OSS_PREFIX}`, reason: 'independent check of sizes, checksums and write times' },
      { kind: 'retention', target: env.OSS_PREFIX, reason: `keep ≥ ${env.BACKUP_KEEP_MIN} verified and all younger than ${env.BACKUP_KEEP_DAYS} days` },
      { kind: 'mail', target: env.MAIL_TO.join(',') || '(mail not configured)', reason: 'report success or the failed step' },
    ];
    const report = await runBackup(
      { ecs: ctx.ports.ecs as EcsPort, oss: ctx.ports.oss as OssPort, mail: ctx.ports.mail as Mailer, clock: ctx.clock, log: ctx.log },
      {
        instanceId: env.BACKUP_INSTANCE_ID!,
        script,
        timeoutSec: env.BACKUP_TIMEOUT_SECONDS,
        // The night is named by the timer's triggerTime when there is one, so a late FC retry backs up the same night.
        runDate: new Date(ctx.params.runDate ?? ctx.request.source?.time ?? ctx.clock.now().toISOString()),
        deadline: ctx.deadline,
        dryRun: ctx.dryRun,
        ...(ctx.params.force ? { force: true } : {}),
      },
    );
    const summary =
      report.status === 'failed' || report.status === 'running'
        ? `backup ${report.name} ${report.status} at ${report.step}: ${report.cause}`
        : `backup ${report.name} ${report.status}${report.backupsKept !== undefined ? `, ${report.backupsKept} kept` : ''}`;
    return {
      action: 'backup',
      dryRun: ctx.dryRun,
      status: STATUS[report.status],
      summary,
      plan,
      done: ctx.dryRun ? [] : plan.map((step) => ({ step, outcome: report.status === 'failed' ? 'failed' : report.status === 'already-verified' ? 'skipped' : 'applied' })),
      report,
      ...(report.status === 'failed' ? { errors: [{ code: report.step === 'verify-oss' ? 'VERIFY_FAILED' : 'BACKUP_FAILED', message: report.cause ?? 'backup failed' }] } : {}),
    };
  },
};
