import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';
import { AppError } from '#shared/errors/index';
import type { GitlabPort } from '#shared/gitlab/api/index';
import type { ImageSetStore } from '#shared/imagecache/image-set-store';
import { kubeImageSetStore } from '#shared/imagecache/kube-image-set-store';
import type { ImageCacheStep } from '#shared/imagecache/types';
import { runPrewarm } from '#shared/imagecache/run-prewarm';
import type { KubePort } from '#shared/kube/port';
import { notifyPrewarm } from '#shared/imagecache/prewarm-mail';
import { notifierFor, notifySummary } from '../notify';
import type { ActionDefinition, PlanStep } from '../types';

// zod/mini keeps the worker's cold start small (docs/adr/0015-cold-start.md).
setupZod();

function port<T>(ports: Record<string, unknown>, name: string): T {
  const p = ports[name];
  if (!p) throw new AppError('CONFIG_INVALID', `prewarm needs the ${name} port, which is not wired`, { status: 500 });
  return p as T;
}

/** Plan steps as the worker reports them: the manifest is left out (the report's plan carries it). */
const asPlanStep = (s: ImageCacheStep): PlanStep => {
  const { manifest: _m, ...rest } = s as ImageCacheStep & { manifest?: unknown };
  return rest as PlanStep;
};

/**
 * `prewarm`: changed CI config → job pod image sets → ImageCache plan → apply → wait Ready → delete superseded.
 * @example s invoke -e '{"action":"prewarm","params":{"projects":[42]},"dryRun":true}'
 */
export const prewarm: ActionDefinition<{ projects?: number[] }> = {
  name: 'prewarm',
  description: 'Keep one ECI ImageCache (≤20 images) for every CI job pod image set; dryRun = plan only.',
  params: z.object({ projects: z.optional(z.array(z.int().check(z.positive())).check(z.maxLength(1000))) }),
  run: async (ctx) => {
    const kube = port<KubePort>(ctx.ports, 'kube');
    // The durable per-project image sets (one ConfigMap in RUNNER_NAMESPACE): hook runs re-discover only their
    // projects, even on a cold instance (ADR 0013). Tests may wire their own `imageSetStore` port.
    const store = (ctx.ports.imageSetStore as ImageSetStore | undefined) ?? kubeImageSetStore(kube, { namespace: ctx.config.env.RUNNER_NAMESPACE });
    const r = await runPrewarm({
      gitlab: port<GitlabPort>(ctx.ports, 'gitlab'),
      kube,
      store,
      env: ctx.config.env,
      clock: ctx.clock,
      log: ctx.log,
      deadline: ctx.deadline,
      dryRun: ctx.dryRun,
      ...(ctx.params.projects ? { projects: ctx.params.projects } : {}),
      ...(ctx.request.source?.trigger ? { trigger: ctx.request.source.trigger } : {}),
      ...(ctx.config.env.GITLAB_REMOTE_INCLUDE_ALLOWLIST.length ? { readRemote: port<(url: string) => Promise<string | undefined>>(ctx.ports, 'remoteIncludes') } : {}),
    });
    const errors = r.report.apply?.errors ?? [];
    // After the run: caches created/deleted are an event, project and cache problems conditions (ADR 0023). The
    // outcome is `report.notify` (the plan and done list stay the caches').
    const { RUNBOOK_URL } = ctx.config.env;
    const told = await notifyPrewarm(notifierFor(ctx), r, { ...(ctx.request.source?.trigger ? { trigger: ctx.request.source.trigger } : {}), ...(RUNBOOK_URL ? { runbookBase: RUNBOOK_URL } : {}) });
    r.report.mailed = told.delivered;
    return {
      action: 'prewarm',
      dryRun: ctx.dryRun,
      status: r.status,
      summary: r.summary,
      plan: r.report.plan.steps.map(asPlanStep),
      done: r.outcomes.map((o) => ({ step: asPlanStep(o.step), outcome: o.outcome, ...(o.detail ? { detail: o.detail } : {}) })),
      report: { ...r.report, notify: notifySummary(told) },
      ...(errors.length ? { errors } : {}),
    };
  },
};
