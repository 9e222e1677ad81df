import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';
import { RUN_NAME_RE } from '#shared/backup/script/index';
import type { OssPort } from '#shared/cloud/oss/index';
import { requireKeys } from '#shared/config/index';
import { parseOssAuth } from '#shared/drill/drill-manifests';
import { ossInternalEndpoint } from '#shared/drill/drill-sizing';
import { runDrill } from '#shared/drill/run-drill';
import { AppError } from '#shared/errors/index';
import { createGitlabPort, type GitlabPort } from '#shared/gitlab/api/index';
import type { KubePort } from '#shared/kube/port';
import { notifierFor, notifyStep } from '../notify';
import type { ActionContext, ActionDefinition, PlanStep } from '../types';
import { runKeyOf } from './backup';

setupZod();

const params = z.strictObject({ backup: z.optional(z.string()) });
type Params = z.infer<typeof params>;

/**
 * The live GitLab the drill compares with: DRILL_GITLAB_TOKEN (an administrator's read_api token: the counts need
 * GET /application/statistics) or else GITLAB_TOKEN (its counts then are skipped unless it is an admin's).
 */
function liveGitlab(ctx: ActionContext<Params>): GitlabPort | undefined {
  const e = ctx.config.env;
  if (!e.GITLAB_URL) return undefined;
  if (e.DRILL_GITLAB_TOKEN) return createGitlabPort({ url: e.GITLAB_URL, token: e.DRILL_GITLAB_TOKEN, timeoutMs: e.GITLAB_TIMEOUT_MS, concurrency: e.GITLAB_CONCURRENCY, log: ctx.log });
  return e.GITLAB_TOKEN ? (ctx.ports.gitlab as GitlabPort) : undefined;
}

/**
 * `restore-drill` (monthly timer, or by hand; `"backup":"<name>"` for a named one): restore the newest verified
 * backup into a throwaway GitLab pod in ASK, compare it with the live instance, always delete it, store and tell the
 * report `{backup, gitlabVersion, result, rtoSeconds, checks, counts}`. `dryRun`: what it would do. docs/adr/0026.
 * @example s ops-worker invoke -e '{"action":"restore-drill"}'
 */
export const restoreDrill: ActionDefinition<Params> = {
  name: 'restore-drill',
  description: 'Restore the newest verified backup into a throwaway GitLab pod in ASK, compare with live, delete it, tell the RTO.',
  params,
  async run(ctx) {
    requireKeys(ctx.config, 'restore-drill', ['OSS_BUCKET']);
    const env = ctx.config.env;
    const backup = ctx.params.backup ?? ctx.request.backup;
    if (backup !== undefined && !RUN_NAME_RE.test(backup)) throw new AppError('ACTION_INVALID', `${JSON.stringify(backup)} is not a backup name (<epoch>_<YYYY_MM_DD>_…)`, { status: 400 });
    const auth = parseOssAuth(env.DRILL_OSS_AUTH);
    if (!auth) throw new AppError('CONFIG_INVALID', `DRILL_OSS_AUTH must be secret:<name> or role:<RamRoleName>, got ${JSON.stringify(env.DRILL_OSS_AUTH)}`);
    const plan: PlanStep[] = [
      { kind: 'cleanup', target: `namespace ${env.DRILL_NAMESPACE}`, reason: 'delete drill objects an earlier run left (by label, past their deadline)' },
      { kind: 'drill', target: backup ?? 'the newest verified backup', reason: `a throwaway ${env.DRILL_SPECS} ECI pod restores it from OSS (read-only) and runs GitLab's checks; compared with the live instance; deleted whatever happens (at most ${env.DRILL_TIMEOUT_MINUTES} min)` },
      notifyStep(env, 'every drill tells: restorable with its RTO, or what broke (a failed drill must reach a channel or FC retries the report)'),
    ];
    const { key } = runKeyOf(ctx);
    const out = await runDrill(
      { kube: ctx.ports.kube as KubePort, oss: ctx.ports.oss as OssPort, gitlab: liveGitlab(ctx), notifier: notifierFor(ctx), clock: ctx.clock, log: ctx.log },
      {
        ...(backup ? { backup } : {}), dryRun: ctx.dryRun, namespace: env.DRILL_NAMESPACE, prefixes: { ossPrefix: env.OSS_PREFIX, configPrefix: env.BACKUP_CONFIG_PREFIX },
        bucket: env.OSS_BUCKET!, ossEndpoint: ossInternalEndpoint(env.OSS_REGION ?? env.FC_REGION), auth, specs: env.DRILL_SPECS, sampleRepos: env.DRILL_SAMPLE_REPOS,
        timeoutSec: env.DRILL_TIMEOUT_MINUTES * 60, deadline: ctx.deadline, runKey: key, ...(env.RUNBOOK_URL ? { runbookBase: env.RUNBOOK_URL } : {}),
      },
    );
    if (out.plan) {
      const p = out.plan;
      return { action: 'restore-drill', dryRun: true, status: p.cause ? 'failed' : 'ok', summary: p.cause ? `a drill now would stop: ${p.cause}` : `a drill now would restore ${p.backup} (${p.image}) in ${env.DRILL_NAMESPACE}${p.leaked.length ? ` after removing ${p.leaked.length} leaked object(s)` : ''}`, plan, done: [], report: { plan: p } };
    }
    const r = out.report!;
    const passed = r.result === 'passed';
    return {
      action: 'restore-drill',
      dryRun: false,
      status: passed ? (r.cleanup.leftover.length ? 'degraded' : 'changed') : 'failed',
      summary: passed ? `backup ${r.backup} is restorable: RTO ${r.rtoSeconds} s${out.replayed ? ' (reported before)' : ''}` : `restore drill of ${r.backup || '(no backup)'} failed at ${r.step}: ${r.cause}`,
      plan,
      done: plan.map((step) => ({ step, outcome: step.kind === 'notify' ? (r.notify?.delivered ? 'applied' : 'skipped') : step.kind === 'drill' && !passed ? 'failed' : 'applied' })),
      report: r,
      ...(passed ? {} : { errors: [{ code: 'DRILL_FAILED', message: r.cause ?? 'drill failed' }] }),
    };
  },
};
