import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';
import { backupScriptConfigFromEnv, LABEL_RE } from '#shared/backup/script/index';
import { runBackup, type BackupReport, type EcsPort } from '#shared/backup/index';
import { preflightContent } from '#shared/backup/orchestrate/preflight-message';
import type { OssPort } from '#shared/cloud/oss/index';
import { requireKeys } from '#shared/config/index';
import { AppError, type ErrorCode } from '#shared/errors/index';
import type { Mailer } from '#shared/mail/index';
import { notifierFor, notifyDone, notifyStep, notifySummary } from '../notify';
import { NO_REQUEST_ID, type ActionContext, type ActionDefinition, type ActionResult, type PlanStep } from '../types';

// zod/mini keeps the worker's cold start small (docs/adr/0015-cold-start.md).
setupZod();

const params = z.strictObject({
  /** A label for a hand-made backup (`pre-upgrade`): in the name and manifest; kept while BACKUP_KEEP_LABELLED. */
  label: z.optional(z.string().check(z.regex(LABEL_RE, 'label: lower-case letters, digits and inner dashes, at most 32 characters'))),
});
type Params = z.infer<typeof params>;

/**
 * The run key: what makes FC's retries of one task the same run and every other invocation a new one. It is FC's
 * request id, never event text: `source.id` and a timer's `triggerTime` are whatever the caller wrote (anyone may send
 * `{"source":{"kind":"manual","id":"x"}}` twice), so keying on them replayed an old report to a new invocation. FC
 * keeps one request id per async task, a timer's firing included, across its retries: the task is found by it
 * (AsyncTask.requestId, https://www.alibabacloud.com/help/en/functioncompute/api-fc-2023-03-30-struct-asynctask) and a
 * task given only a request id takes it as its task id (https://help.aliyun.com/zh/functioncompute/fc-2-0/user-guide/task-deduplication).
 * That every retry's `context.requestId` is that id is UNCONFIRMED for real FC; the local runtime's async queue keeps
 * it (local/fc/async-queue.ts). A synchronous invoke is never retried: its id is new every time. A timer's run is
 * dated by its triggerTime (a late retry keeps the night's name); without a usable one it is dated now. Without a
 * request id (a caller that passed none) every invocation is a new run.
 */
export function runKeyOf(ctx: Pick<ActionContext, 'request' | 'requestId' | 'clock'>): { key: string; at: Date } {
  const s = ctx.request.source;
  const request = ctx.requestId && ctx.requestId !== NO_REQUEST_ID ? ctx.requestId : `none-${randomUUID()}`;
  if (s?.kind === 'timer' && s.time) return { key: `timer/${s.id ?? 'timer'}/${s.time}/${request}`, at: new Date(s.time) };
  return { key: `request/${request}`, at: ctx.clock.now() };
}

function statusOf(r: BackupReport): ActionResult['status'] {
  if (r.status === 'failed') return 'failed';
  if (r.status === 'planned' || r.replayed) return 'ok';
  if (r.status === 'running' || r.retention?.errors.length || r.mail?.failed) return 'degraded';
  return 'changed';
}

/** One line for the result. A dry run names no run (its result's report says `name: null`): only the checks. */
export function summaryOf(r: BackupReport): string {
  if (r.status === 'planned') return `preflight ok: ${r.preflight?.map((c) => `${c.id} ${c.status}`).join(', ')}`;
  if (r.step === 'preflight') return `preflight failed: ${r.cause}`;
  if (r.status === 'failed' || r.status === 'running') return `backup ${r.name} ${r.status} at ${r.step}: ${r.cause}`;
  return `backup ${r.name} verified${r.replayed ? ' (reported before)' : ''}, ${r.backupsKept ?? '?'} verified kept, ${r.retention?.pruned.length ?? 0} pruned`;
}

/** Steps of a failed run at or after the OSS verification: verification ran (and failed, or its record did). */
const VERIFY_STEPS = new Set(['verify-oss', 'record']);
/** Steps in the worker, before the host ran anything (the rest are the host script's, `agent`, `host`, `result`). */
const WORKER_STEPS = new Set(['resume', 'start', 'poll']);

/**
 * What happened to each plan step of a run (not a dry run, not a replay). A step that never ran is `skipped` with
 * the reason, never `failed` (ADR 0016 §5): verification runs only after the host run succeeded, retention only
 * after THIS run was verified (ADR 0016 §1).
 */
export function doneOf(plan: PlanStep[], r: BackupReport): ActionResult['done'] {
  const failed = r.status === 'failed';
  return plan.map((step) => {
    if (step.kind === 'notify') return { step, outcome: r.mail?.failed ? 'failed' : r.mail?.sent ? 'applied' : 'skipped', ...(r.mail?.detail ? { detail: r.mail.detail } : {}) };
    if (step.kind === 'retention' && r.status !== 'verified') return { step, outcome: 'skipped', detail: 'no verified backup this run: retention runs only after one, so nothing was deleted' };
    if (step.kind === 'verify' && r.status === 'running') return { step, outcome: 'skipped', detail: 'the host run was still running at the worker\'s deadline: nothing to verify yet' };
    if (step.kind === 'verify' && failed && !VERIFY_STEPS.has(r.step ?? '')) {
      return { step, outcome: 'skipped', detail: `the ${WORKER_STEPS.has(r.step ?? '') ? '' : 'host '}run failed at ${r.step ?? 'an unknown step'}: nothing to verify` };
    }
    // The host wrote its backup when only the worker's verification (or its record) failed: run-command succeeded.
    if (step.kind === 'run-command' && failed && VERIFY_STEPS.has(r.step ?? '')) return { step, outcome: 'applied', detail: 'the host wrote the backup; the worker\'s verification failed' };
    return { step, outcome: failed ? 'failed' : 'applied' };
  });
}

/** The result's error code: a failed preflight (dry run), a failed verification, or any other failed run. */
export function errorCodeOf(r: BackupReport): ErrorCode {
  if (r.step === 'preflight') return 'PREFLIGHT_FAILED';
  return r.step === 'verify-oss' ? 'VERIFY_FAILED' : 'BACKUP_FAILED';
}

/**
 * `backup`: gitlab-backup on the GitLab host through Cloud Assistant, verified independently on OSS, then retention,
 * then mail. `dryRun` is a read-only preflight. One invocation = one backup (ADR 0016): host and verification
 * failures come back as `status: failed`; it throws only when FC should retry this task (see runBackup).
 * @example s ops-worker invoke -e '{"action":"backup","params":{"label":"pre-upgrade"}}'
 */
export const backup: ActionDefinition<Params> = {
  name: 'backup',
  description: 'GitLab backup: RunCommand → poll → verify on OSS → retention → mail; dryRun = read-only preflight.',
  params,
  async run(ctx) {
    requireKeys(ctx.config, 'backup', ['BACKUP_INSTANCE_ID', 'OSS_BUCKET']);
    const env = ctx.config.env;
    const label = ctx.params.label ?? ctx.request.label;
    if (label !== undefined && !LABEL_RE.test(label)) throw new AppError('ACTION_INVALID', `invalid label ${JSON.stringify(label)}: lower-case letters, digits and inner dashes, at most 32 characters`, { status: 400 });
    const plan: PlanStep[] = [
      { kind: 'run-command', target: env.BACKUP_INSTANCE_ID!, reason: `gitlab-backup via Cloud Assistant, Timeout ${env.BACKUP_TIMEOUT_SECONDS} s` },
      { kind: 'verify', target: `oss://${env.OSS_BUCKET}/${env.OSS_PREFIX}`, reason: 'independent check of sizes, checksums and write times' },
      { kind: 'retention', target: env.OSS_PREFIX, reason: `after verification only: keep ≥ ${env.BACKUP_KEEP_MIN} verified, all younger than ${env.BACKUP_KEEP_DAYS} days${env.BACKUP_KEEP_LABELLED ? ', labelled ones' : ''}` },
      notifyStep(env, 'report success or the failed step, its fix and what was kept (every run; a failed one must reach a channel or FC retries the report)'),
    ];
    const { key, at } = runKeyOf(ctx);
    const notifier = notifierFor(ctx);
    const report = await runBackup(
      { ecs: ctx.ports.ecs as EcsPort, oss: ctx.ports.oss as OssPort, mail: ctx.ports.mail as Mailer, notifier, clock: ctx.clock, log: ctx.log },
      {
        instanceId: env.BACKUP_INSTANCE_ID!,
        script: backupScriptConfigFromEnv(env),
        retention: { keepMin: env.BACKUP_KEEP_MIN, keepDays: env.BACKUP_KEEP_DAYS, keepLabelled: env.BACKUP_KEEP_LABELLED },
        timeoutSec: env.BACKUP_TIMEOUT_SECONDS,
        runKey: key,
        startedAt: at,
        ...(label ? { label } : {}),
        timeZone: env.TIMER_TZ,
        deadline: ctx.deadline,
        dryRun: ctx.dryRun,
        fix: { bucket: env.OSS_BUCKET!, ossRegion: env.OSS_REGION ?? env.FC_REGION },
      },
    );
    const failed = report.status === 'failed';
    // A dry run starts no run: its result names none (runBackup's name only sized the script).
    const shown = ctx.dryRun ? { ...report, name: null } : report;
    // A dry run (preflight) tells only when asked: `{"action":"backup","dryRun":true,"notify":true}`.
    const told = ctx.dryRun && ctx.request.notify ? await notifier.notify({ action: 'backup', event: true, build: () => preflightContent(report) }) : undefined;
    return {
      action: 'backup',
      dryRun: ctx.dryRun,
      status: statusOf(report),
      summary: summaryOf(report),
      plan,
      done: told ? [notifyDone(plan.at(-1)!, told)] : ctx.dryRun || report.replayed ? [] : doneOf(plan, report),
      report: told ? { ...shown, notify: notifySummary(told) } : shown,
      ...(failed ? { errors: [{ code: errorCodeOf(report), message: report.cause ?? 'backup failed' }] } : {}),
    };
  },
};
