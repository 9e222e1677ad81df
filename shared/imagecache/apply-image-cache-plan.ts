import { toAppError } from '#shared/errors/index';
import { forbiddenFinding, type KubeFinding } from '#shared/kube/forbidden';
import type { ImageCache, KubePort } from '#shared/kube/port';
import type { Logger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/clock';
import { cacheHealth } from './cache-status';
import type { ImageCachePlan, ImageCacheStep } from './types';

/** Options of the executor. */
export interface ApplyOptions {
  clock: Clock;
  /** Stop waiting for Ready before this instant; the next run resumes from the observed state. */
  deadline: Date;
  log?: Logger;
  /** First poll interval (default 2 s), doubling up to `pollMaxMs` (default 30 s). */
  pollBaseMs?: number;
  pollMaxMs?: number;
}

export interface StepOutcome {
  step: ImageCacheStep;
  outcome: 'applied' | 'skipped' | 'failed' | 'blocked';
  detail?: string;
  /** The call was refused with 403: told once as the `rbac-forbidden` finding in ApplyResult.forbidden. */
  forbidden?: true;
}

export interface ApplyResult {
  outcomes: StepOutcome[];
  /** Last seen phase per planned cache. */
  phases: Record<string, string>;
  /** Caches still not Ready or Failed at the deadline. */
  pending: string[];
  errors: Array<{ code: string; message: string; forbidden?: true }>;
  /** Calls refused with 403 (create, get, delete of a cache): one finding each, naming verb, resource and grant. */
  forbidden: KubeFinding[];
}

/** `phases` holds the phase as shown, or `Failed` for any cache cacheHealth finds failed (phase strings vary). */
const phaseOf = (ic: ImageCache): string => {
  const h = cacheHealth(ic);
  return h.state === 'failed' ? 'Failed' : h.phase;
};
const SETTLED = new Set(['Ready', 'Failed', 'UpdateFailed']);
const failedWhy = (ic: ImageCache | undefined): string => {
  const h = cacheHealth(ic);
  return h.state === 'failed' ? h.why : `phase ${ic?.status?.phase ?? '?'}`;
};

/**
 * Apply a plan: create-if-absent every new cache, follow `status.phase` with backoff until the deadline, then delete
 * superseded caches whose replacements are Ready. After any error (the port already retried 409/429/5xx/timeouts)
 * nothing is deleted: a half-known state never costs a pod its cache. No local state — a re-run re-plans.
 */
export async function applyImageCachePlan(plan: ImageCachePlan, kube: Pick<KubePort, 'createImageCache' | 'getImageCache' | 'deleteImageCache'>, o: ApplyOptions): Promise<ApplyResult> {
  const phases: Record<string, string> = Object.fromEntries(plan.caches.map((c) => [c.name, c.phase]));
  const last = new Map<string, ImageCache>();
  const done = new Map<ImageCacheStep, StepOutcome>();
  const errors: ApplyResult['errors'] = [];
  const forbidden: KubeFinding[] = [];
  // Every failure is an error (so nothing is deleted after it); a 403 is also a finding that says which grant is
  // missing, and the step's detail is that finding's text.
  const fail = (e: unknown, target = 'ImageCache/*'): string => {
    const err = toAppError(e);
    const f = forbiddenFinding(err, target);
    errors.push({ code: err.code, message: err.message, ...(f ? { forbidden: true as const } : {}) });
    if (f) forbidden.push(f);
    return f?.message ?? err.message;
  };
  const failedOutcome = (step: ImageCacheStep, e: unknown): StepOutcome => {
    const n = forbidden.length;
    const detail = fail(e, `ImageCache/${step.target}`);
    return { step, outcome: 'failed', detail, ...(forbidden.length > n ? { forbidden: true as const } : {}) };
  };

  for (const step of plan.steps) {
    if (step.kind !== 'create' && step.kind !== 'refresh') continue;
    try {
      const ic = await kube.createImageCache(step.manifest);
      last.set(step.target, ic);
      phases[step.target] = ic.status ? phaseOf(ic) : 'Creating';
      done.set(step, { step, outcome: 'applied' });
    } catch (e) {
      done.set(step, failedOutcome(step, e));
    }
  }

  const pending = new Set(Object.keys(phases).filter((n) => phases[n] !== 'absent' && !SETTLED.has(phases[n]!)));
  for (let round = 0; pending.size > 0 && errors.length === 0; round++) {
    const wait = Math.min(o.pollMaxMs ?? 30_000, (o.pollBaseMs ?? 2_000) * 2 ** round);
    if (o.clock.now().getTime() + wait > o.deadline.getTime()) break;
    await o.clock.sleep(wait);
    for (const name of [...pending]) {
      try {
        const ic = await kube.getImageCache(name);
        if (ic) last.set(name, ic);
        phases[name] = ic ? phaseOf(ic) : 'absent';
        if (!ic || SETTLED.has(phases[name]!)) pending.delete(name);
        if (!ic) fail(new Error(`image cache ${name} disappeared while waiting for it`));
      } catch (e) {
        fail(e, `ImageCache/${name}`);
        break;
      }
    }
  }
  o.log?.info('imagecache wait done', { phases, pending: [...pending] });

  let stop = errors.length > 0 ? 'not deleting: an earlier step of this run failed' : undefined;
  for (const step of plan.steps) {
    if (done.has(step)) {
      const d = done.get(step)!;
      if (d.outcome === 'applied' && (phases[step.target] === 'Failed' || phases[step.target] === 'UpdateFailed')) done.set(step, { step, outcome: 'failed', detail: failedWhy(last.get(step.target)) });
      continue;
    }
    if (step.kind === 'keep') done.set(step, { step, outcome: 'skipped', detail: phases[step.target] ?? 'kept' });
    else if (step.kind === 'failed') done.set(step, { step, outcome: 'failed', detail: step.reason });
    else if (step.kind === 'delete-superseded') {
      const failed = step.after.filter((n) => phases[n] === 'Failed' || phases[n] === 'UpdateFailed');
      const notReady = step.after.filter((n) => phases[n] !== 'Ready');
      if (stop) done.set(step, { step, outcome: 'blocked', detail: stop });
      else if (failed.length) done.set(step, { step, outcome: 'blocked', detail: `replacement ${failed.join(', ')} failed; kept` });
      else if (notReady.length) done.set(step, { step, outcome: 'skipped', detail: `waiting for ${notReady.join(', ')} to be Ready; the next run resumes` });
      else {
        try {
          await kube.deleteImageCache(step.target);
          done.set(step, { step, outcome: 'applied' });
        } catch (e) {
          done.set(step, failedOutcome(step, e));
          stop = `not deleting: deleting ${step.target} failed`;
        }
      }
    }
  }
  return { outcomes: plan.steps.map((s) => done.get(s)!), phases, pending: [...pending], errors, forbidden };
}
