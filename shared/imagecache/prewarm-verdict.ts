import type { StepOutcome } from './apply-image-cache-plan';
import type { ProjectReport } from './discover-project';
import type { ImageCachePlan } from './types';

/** The prewarm action's `status` (docs/operations.md: ok / changed / degraded / failed). */
export type PrewarmStatus = 'ok' | 'changed' | 'degraded' | 'failed';

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * The run's size, in the one wording the summary and the message share: pod sets merged by content (a set two jobs
 * or two projects share counts once; the runner pod and each baseline chunk count too, sets over 20 images as well —
 * `plan.podSets`), and the caches the plan holds them in (planned ones included).
 */
export const sizeText = (plan: Pick<ImageCachePlan, 'podSets' | 'caches'>): string =>
  `${plural(plan.podSets, 'distinct pod set')} in ${plural(plan.caches.length, 'cache')}`;

/** What a run knows before it applies anything: a dry run knows exactly this much. */
export interface KnownBeforeApply {
  projects: readonly ProjectReport[];
  /** The whole plan (not the report's cut one). */
  plan: ImageCachePlan;
  /** Calls refused with 403: the reads, and in a real run the refused creates, gets and deletes too. */
  forbidden: readonly { target: string }[];
  /** Projects whose CI config is broken (their previous sets are kept). */
  broken: number;
}

/** What only applying tells (absent in a dry run, which changes nothing). */
export interface AppliedFacts {
  outcomes: readonly StepOutcome[];
  pending: readonly string[];
  /** Apply errors (the run `failed`). */
  errors: number;
  /** The image-set store write did not fit (only a write finds out). */
  overflow: boolean;
}

/**
 * The run's status and summary line, one rule for real and dry runs: a dry run is `degraded` for everything it can
 * know (projects not (fully) discovered, broken CI configs, calls forbidden, pod sets over the budget, a cache that
 * failed earlier with the same images), and `ok` otherwise — planned steps are not effects (`changed` = applied).
 * Only applying can add pending caches, failed creates or deletes, apply errors and a full image-set store.
 */
export function prewarmVerdict(k: KnownBeforeApply, applied?: AppliedFacts): { status: PrewarmStatus; summary: string } {
  const size = sizeText(k.plan);
  // A project GitLab would not (fully) show this token counts: its images may be missing from the plan.
  const apiTrouble = k.projects.filter((p) => p.unserved?.length || p.degraded?.length).length;
  const noPrevious = k.projects.filter((p) => p.configErrors?.length && !p.kept).length;
  const dropped = k.plan.budget.dropped.length;
  const denied = k.forbidden.length;
  const problems = [
    ...(k.broken ? [`${k.broken} project(s) with a broken CI config (previous images kept${noPrevious ? `; ${noPrevious} had none` : ''})`] : []),
    ...(apiTrouble ? [`${apiTrouble} project(s) not (fully) discovered`] : []),
    ...(dropped ? [`${dropped} pod set(s) left out (budget)`] : []),
    ...(applied?.overflow ? ['image-set store full (hook runs walk all projects)'] : []),
    ...(denied ? [`${denied} call(s) forbidden (${k.forbidden.map((f) => f.target).join(', ')})`] : []),
  ];
  const warn = problems.length > 0;
  if (!applied) {
    // A `failed` step is a cache that failed with these images before: the real run reports it failed, unchanged.
    const failed = k.plan.steps.filter((s) => s.kind === 'failed').length;
    const planned = k.plan.steps.filter((s) => s.kind !== 'keep' && s.kind !== 'failed').length;
    const head = [`${planned} step(s) planned`, ...(failed ? [`${failed} cache(s) failed earlier`] : [])];
    return { status: warn || failed ? 'degraded' : 'ok', summary: `dry run: ${size}: ${[...head, ...problems].join(', ')}` };
  }
  const n = (k: StepOutcome['outcome'], kinds?: string[]) => applied.outcomes.filter((o) => o.outcome === k && (!kinds || kinds.includes(o.step.kind))).length;
  const created = n('applied', ['create', 'refresh']);
  const deleted = n('applied', ['delete-superseded']);
  const failed = n('failed') + n('blocked');
  const pending = applied.pending.length;
  const status: PrewarmStatus = applied.errors ? 'failed' : warn || failed || pending ? 'degraded' : created || deleted ? 'changed' : 'ok';
  return { status, summary: `${size}: ${[`${created} created`, `${deleted} deleted`, `${failed} failed/blocked`, `${pending} pending`, ...problems].join(', ')}` };
}
