import type { KubeFinding } from '#shared/kube/forbidden';
import type { StepOutcome } from './apply-image-cache-plan';
import { where, type ProjectReport } from './discover-project';
import type { ImageCachePlan, PodSet } from './types';

/** The commit status prewarm sets on the commit that caused a run (GitLab's `name`/`context`). */
export const PREWARM_STATUS = 'gitlab-ask-ops/prewarm';

/** A finding with a stable `cause`: a notifier fingerprints action + target + cause (unchanged cause = same alert). */
export type PrewarmFinding = KubeFinding & { cause?: string };

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** What the run did for one project, as the commit status says it. */
export interface ProjectStatus {
  state: 'success' | 'failed';
  description: string;
}

/** Inputs: the project's report, every pod set of the run, the full plan and what apply did (absent in a dry run). */
export interface StatusInput {
  project: ProjectReport | undefined;
  podSets: readonly PodSet[];
  plan: ImageCachePlan;
  outcomes: readonly StepOutcome[];
  phases?: Readonly<Record<string, string>>;
  /**
   * PREWARM_STATUS_ON_PLATFORM_FAILURE: `success` posts what the developer cannot fix (caches that failed, pod sets
   * over the budget, GitLab unreadable) as success, "not blocking: …"; a broken CI configuration is always failed.
   */
  platformFailure?: 'failed' | 'success';
}

/** `file:line:column: message` of the first configuration error. */
export const configCause = (r: ProjectReport): string | undefined => {
  const e = r.configErrors?.[0];
  return e ? `${where(e)}: ${e.message}` : undefined;
};

const keptText = (r: ProjectReport): string =>
  r.kept ? `previous image set kept (${plural(r.kept.podSets, 'pod set')} from ${r.kept.discoveredAt.slice(0, 16).replace('T', ' ')} UTC)` : 'no earlier image set to keep';

/**
 * The commit status for one project (pure): failed with the first configuration error (file:line) and what was kept,
 * failed when discovery could not read it, failed naming caches that failed and pod sets that could not be cached,
 * else success — "12 images in 2 caches, Ready" (or how many are still warming).
 */
export function projectStatus(id: number, i: StatusInput): ProjectStatus {
  const r = i.project;
  if (!r) return { state: 'success', description: 'not pre-warmed: the project is archived, deleted or outside GITLAB_PROJECTS' };
  const cause = configCause(r);
  if (cause) return { state: 'failed', description: `${cause}; ${keptText(r)}` };
  // The platform's problems: the team is told by the notifier either way; the switch decides the developer's pipeline.
  const platform = (description: string): ProjectStatus => (i.platformFailure === 'success' ? { state: 'success', description: `not blocking: ${description}` } : { state: 'failed', description });
  const readErr = r.unserved?.[0];
  if (readErr) return platform(`not pre-warmed: ${readErr}`);
  const mine = i.podSets.filter((s) => s.sources.some((src) => src.projectId === id));
  if (mine.length === 0) return { state: 'success', description: `no CI job images to pre-warm${r.errors[0] ? ` (${r.errors[0]})` : ''}` };
  const keys = new Set(mine.map((s) => [...new Set(s.images.filter(Boolean))].sort().join('\n')));
  const images = new Set(mine.flatMap((s) => s.images.filter(Boolean)));
  const caches = i.plan.caches.filter((c) => c.covers.some((k) => keys.has(k)));
  const uncached = [...i.plan.notCacheable, ...i.plan.budget.dropped].filter((u) => u.sources.some((src) => src.projectId === id));
  const failedWhy = new Map<string, string>();
  for (const o of i.outcomes) if ((o.outcome === 'failed' || o.outcome === 'blocked' || o.step.kind === 'failed') && caches.some((c) => c.name === o.step.target)) failedWhy.set(o.step.target, o.detail ?? o.step.reason);
  for (const c of caches) if (i.phases?.[c.name] === 'Failed' && !failedWhy.has(c.name)) failedWhy.set(c.name, 'Failed');
  if (failedWhy.size || uncached.length) {
    const lost = new Set([...caches.filter((c) => failedWhy.has(c.name)).flatMap((c) => c.images), ...uncached.flatMap((u) => u.images)].filter((x) => images.has(x)));
    const why = [...[...failedWhy].map(([n, w]) => `${n}: ${w}`), ...uncached.map((u) => u.reason)][0] ?? '';
    return platform(`${lost.size} of ${plural(images.size, 'image')} not cached — ${why}`);
  }
  const pending = caches.filter((c) => (i.phases?.[c.name] ?? c.phase) !== 'Ready').length;
  return { state: 'success', description: `${plural(images.size, 'image')} in ${plural(caches.length, 'cache')}, ${pending ? `${pending} still warming` : 'Ready'}` };
}

/**
 * One finding per project whose configuration is broken: target `project/<id>`, cause `file:line:column: error`
 * (the same broken file keeps the same cause, so it is one alert), the message says what was kept.
 */
export function configFindings(projects: readonly ProjectReport[]): PrewarmFinding[] {
  return projects.flatMap((r) => {
    const cause = configCause(r);
    if (!cause) return [];
    const more = (r.configErrors?.length ?? 1) - 1;
    return [{ rule: 'ci-config-invalid', target: `project/${r.id}`, severity: 'error' as const, cause, message: `${r.path}: ${cause}${more ? ` (+${more} more)` : ''}; ${keptText(r)}` }];
  });
}
