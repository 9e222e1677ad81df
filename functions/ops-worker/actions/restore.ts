import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';
import type { EcsPort } from '#shared/backup/ecs-port';
import { RUN_NAME_RE } from '#shared/backup/script/index';
import type { OssPort } from '#shared/cloud/oss/index';
import { requireKeys } from '#shared/config/index';
import { AppError } from '#shared/errors/index';
import type { GitlabPort } from '#shared/gitlab/api/index';
import { restoreContent } from '#shared/restore/restore-message';
import { runRestore } from '#shared/restore/run-restore';
import type { RestoreReport } from '#shared/restore/restore-report';
import { restoreScriptConfigFromEnv } from '#shared/restore/script/index';
import { notifierFor, notifyDone, notifyStep, notifySummary } from '../notify';
import type { ActionContext, ActionDefinition, ActionResult, PlanStep } from '../types';
import { runKeyOf } from './backup';

setupZod();

const params = z.strictObject({
  backup: z.optional(z.string()),
  confirm: z.optional(z.string()),
});
type Params = z.infer<typeof params>;

/** The live GitLab's port when one is configured (restore only reads its version); absent otherwise. */
function gitlabOf(ctx: ActionContext<Params>): Pick<GitlabPort, 'metadata'> | undefined {
  try {
    return ctx.config.env.GITLAB_URL && ctx.config.env.GITLAB_TOKEN ? (ctx.ports.gitlab as GitlabPort) : undefined;
  } catch {
    // No GitLab configured: the host's installed version decides (restore-preconditions.ts).
    return undefined;
  }
}

function statusOf(r: RestoreReport): ActionResult['status'] {
  if (r.status === 'restored') return 'changed';
  if (r.status === 'planned') return r.preconditions.some((c) => c.status === 'failed') ? 'failed' : 'ok';
  if (r.status === 'running') return 'degraded';
  return 'failed';
}

/**
 * `restore` (manual only: no timer, no hook): `{"action":"restore","backup":"<name>"}` plans and is refused;
 * `"confirm":"<name>"` runs it: the preconditions (OSS-verified, the /etc/gitlab archive of the run, exactly the
 * backup's GitLab version and edition on the host, free space), then the restore script on the GitLab host through
 * Cloud Assistant, one message on every channel. `dryRun`: the preconditions only. docs/adr/0026.
 * @example s ops-worker invoke -e '{"action":"restore","backup":"1795802400_2026_11_28_k3f9","confirm":"1795802400_2026_11_28_k3f9"}'
 */
export const restore: ActionDefinition<Params> = {
  name: 'restore',
  description: 'Restore a verified backup onto the GitLab host (needs "confirm":"<name>"); dryRun = preconditions only.',
  params,
  async run(ctx) {
    const backup = ctx.params.backup ?? ctx.request.backup;
    const confirm = ctx.params.confirm ?? ctx.request.confirm;
    if (!backup) throw new AppError('ACTION_INVALID', 'restore needs the backup\'s name: {"action":"restore","backup":"<name>"} (npm run -s ops -- backups lists them)', { status: 400 });
    if (!RUN_NAME_RE.test(backup)) throw new AppError('ACTION_INVALID', `${JSON.stringify(backup)} is not a backup name (<epoch>_<YYYY_MM_DD>_…)`, { status: 400 });
    if (ctx.request.source?.kind === 'timer' || ctx.request.source?.kind === 'webhook') throw new AppError('ACTION_INVALID', 'restore runs only when a person invokes it (no timer, no hook)', { status: 400 });
    requireKeys(ctx.config, 'restore', ['BACKUP_INSTANCE_ID', 'OSS_BUCKET']);
    const env = ctx.config.env;
    const plan: PlanStep[] = [
      { kind: 'preconditions', target: `oss://${env.OSS_BUCKET}/${env.OSS_PREFIX}${backup}`, reason: 'OSS-verified, its /etc/gitlab archive, the same GitLab version and edition on the host, free space; any failing refuses before the restore script is sent' },
      { kind: 'run-command', target: env.BACKUP_INSTANCE_ID!, reason: `restore script via Cloud Assistant (Timeout ${env.BACKUP_TIMEOUT_SECONDS} s): lock → fetch → stop puma, sidekiq → gitlab-backup restore → /etc/gitlab → reconfigure → restart → checks` },
      notifyStep(env, 'every restore tells; a failed one is ❌ with the step, the services\' state and the runbook'),
    ];
    const { key } = runKeyOf(ctx);
    const notifier = notifierFor(ctx);
    const report = await runRestore(
      { ecs: ctx.ports.ecs as EcsPort, oss: ctx.ports.oss as OssPort, gitlab: gitlabOf(ctx), notifier, clock: ctx.clock, log: ctx.log },
      {
        backup, ...(confirm !== undefined ? { confirm } : {}), dryRun: ctx.dryRun, instanceId: env.BACKUP_INSTANCE_ID!, mode: env.BACKUP_MODE,
        prefixes: { ossPrefix: env.OSS_PREFIX, configPrefix: env.BACKUP_CONFIG_PREFIX }, where: `oss://${env.OSS_BUCKET}/${env.OSS_PREFIX}`,
        script: (run) => restoreScriptConfigFromEnv(env, run), minFreeGiB: env.BACKUP_MIN_FREE_GIB, timeoutSec: env.BACKUP_TIMEOUT_SECONDS,
        runKey: key, deadline: ctx.deadline, ...(env.RUNBOOK_URL ? { runbookBase: env.RUNBOOK_URL } : {}),
      },
    );
    // A dry run tells only when asked (`"notify": true`), as the backup's preflight.
    const told = ctx.dryRun && ctx.request.notify ? await notifier.notify({ action: 'restore', event: true, build: () => restoreContent(report) }) : undefined;
    const failed = statusOf(report) === 'failed';
    const ran = report.invokeId !== undefined;
    return {
      action: 'restore',
      dryRun: ctx.dryRun,
      status: statusOf(report),
      summary: report.status === 'restored'
        ? `restored ${backup} onto ${report.instanceId}: every step and GitLab's checks passed`
        : report.status === 'planned' ? `preconditions for restoring ${backup}: ${report.preconditions.map((c) => `${c.id} ${c.status}`).join(', ')}`
          : `restore of ${backup} ${report.status} at ${report.step}: ${report.cause}`,
      plan,
      done: told ? [notifyDone(plan.at(-1)!, told)] : ran ? [{ step: plan[0]!, outcome: 'applied' }, { step: plan[1]!, outcome: report.status === 'restored' ? 'applied' : 'failed', ...(report.cause ? { detail: report.cause } : {}) }] : [{ step: plan[0]!, outcome: report.status === 'refused' ? 'blocked' : 'applied', ...(report.cause ? { detail: report.cause } : {}) }],
      report: told ? { ...report, notify: notifySummary(told) } : report,
      ...(failed ? { errors: [{ code: report.step === 'confirm' ? 'CONFIRMATION_REQUIRED' : report.status === 'refused' ? 'RESTORE_REFUSED' : 'RESTORE_FAILED', message: report.cause ?? 'restore failed' }] } : {}),
    };
  },
};
