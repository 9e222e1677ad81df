import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';
import { AppError } from '#shared/errors/index';
import type { GitlabPort } from '#shared/gitlab/api/index';
import type { KubePort } from '#shared/kube/port';
import { BUNDLED_INFRA, gitlabDesiredSource, memoryDesiredSource, reconcileCommit, reconcileEnvOptions, reconcileStatus, runReconcile } from '#shared/reconcile/index';
import { notifierFor, notifySummary } from '../notify';
import type { ActionDefinition, PlanStep } from '../types';

// zod/mini keeps the worker's cold start small (docs/adr/0015-cold-start.md).
setupZod();

function port<T>(ports: Record<string, unknown>, name: string): T {
  const p = ports[name];
  if (!p) throw new AppError('CONFIG_INVALID', `reconcile needs the ${name} port, which is not wired`, { status: 500 });
  return p as T;
}

/**
 * `reconcile`: desired state (bundled infra/, or INFRA_PROJECT@INFRA_REF:INFRA_PATH through GitLab) vs the cluster
 * for the NAS PV/PVCs and the gitlab-runner release; safe steps applied unless dryRun or RECONCILE_APPLY=false;
 * applied steps are told as an event, drift and failures as conditions (once, reminded, resolved: ADR 0023).
 * `failed` (exit 1, ❌) when it could not do or see its work, `degraded` (⚠️) while drift stays (ADR 0014 §10).
 * `verifyPipeline` comes from the infra pipeline's Pipeline Hook.
 * @example s invoke -e '{"action":"reconcile","dryRun":true}'
 */
export const reconcile: ActionDefinition<{ verifyPipeline?: number }> = {
  name: 'reconcile',
  description: 'Reconcile NAS PV/PVCs and the gitlab-runner Helm release with infra/; dryRun = plan only.',
  params: z.looseObject({ verifyPipeline: z.optional(z.int().check(z.positive())) }),
  run: async (ctx) => {
    const e = ctx.config.env;
    const needsGitlab = Boolean(e.INFRA_PROJECT);
    const gitlab = needsGitlab ? port<GitlabPort>(ctx.ports, 'gitlab') : undefined;
    // A hook run sets the `gitlab-ask-ops/reconcile` status of the infra commit that caused it, when that commit is
    // INFRA_REF's head, read by its sha; an older one gets `skipped` (docs/adr/0024).
    const at = await reconcileCommit(gitlab, ctx.request.source?.trigger, { ...(e.INFRA_PROJECT ? { infraProject: e.INFRA_PROJECT } : {}), infraRef: e.INFRA_REF, dryRun: ctx.dryRun, clock: ctx.clock, log: ctx.log });
    const source = gitlab && e.INFRA_PROJECT ? gitlabDesiredSource(gitlab, e.INFRA_PROJECT, e.INFRA_REF, e.INFRA_PATH, at.readAt) : memoryDesiredSource(BUNDLED_INFRA);
    if (at.superseded) await at.superseded.reporter.set('skipped', at.superseded.reason);
    const reporter = at.reporter;
    const run = await runReconcile(
      { kube: port<KubePort>(ctx.ports, 'kube'), ...(gitlab ? { gitlab } : {}), notifier: notifierFor(ctx), log: ctx.log, clock: ctx.clock, ...(reporter ? { status: reporter } : {}) },
      {
        ...reconcileEnvOptions(e),
        source,
        dryRun: ctx.dryRun,
        ...(ctx.params.verifyPipeline !== undefined ? { verifyPipeline: ctx.params.verifyPipeline } : {}),
      },
    );
    const { report, mailed, notify } = run;
    const commitStatus = run.commitStatus ?? at.superseded?.reporter.report();
    const plan: PlanStep[] = report.steps.map((s) => ({ kind: s.kind, target: s.target, reason: s.reason }));
    const failed = report.steps.filter((s) => s.outcome === 'failed');
    return {
      action: 'reconcile',
      dryRun: ctx.dryRun,
      status: reconcileStatus(report),
      summary: report.summary,
      plan,
      done: report.steps.map((s, i) => ({ step: plan[i]!, outcome: s.outcome, ...(s.detail ? { detail: s.detail } : {}) })),
      report: { ...report, mailed, ...(notify ? { notify: notifySummary(notify) } : {}), ...(commitStatus ? { commitStatus } : {}) },
      ...(failed.length ? { errors: failed.map((s) => ({ code: 'KUBE_API', message: `${s.kind} ${s.target}: ${s.detail ?? 'failed'}` })) } : {}),
    };
  },
};
