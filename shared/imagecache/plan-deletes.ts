import { recordedSources } from './cache-identity';
import type { ObservedCache } from './classify-observed';
import type { ImageCacheStep, PlannedCache } from './types';

/**
 * Steps for our caches the plan no longer relies on. A failed one serves nothing and goes at once. Any other is
 * superseded by its replacements — the refresh made for it, the planned caches serving a pod set it holds, and
 * those serving the projects recorded on it — and is deleted only after they are all Ready:
 *
 *   replacement Failed ──► keep (reported)      replacements Ready ──► delete now
 *   replacement absent/Creating ──► delete-superseded with `after` (the executor waits, or the next run does)
 */
export function planDeletes(
  managed: readonly ObservedCache[],
  planned: ReadonlyArray<PlannedCache & { sources: Set<string> }>,
  refreshOf: ReadonlyMap<string, string>,
  unknown: ReadonlySet<string> = new Set(),
): ImageCacheStep[] {
  const wanted = new Set(planned.map((c) => c.name));
  const steps: ImageCacheStep[] = [];
  for (const o of managed) {
    if (wanted.has(o.name)) continue;
    if (o.state === 'failed') {
      steps.push({ kind: 'delete-superseded', target: o.name, after: [], reason: `failed (${o.why}) and no pod set needs it any more` });
      continue;
    }
    const refresh = refreshOf.get(o.name);
    const recorded = recordedSources(o.ic);
    // A project GitLab could not tell us about this run may still need it: a transient API error never deletes.
    const blind = unknown.size > 0 && (!recorded || [...recorded].some((s) => unknown.has(s)));
    if (blind && !refresh) {
      steps.push({ kind: 'keep', target: o.name, reason: `looks unused, but ${recorded ? [...recorded].filter((s) => unknown.has(s)).join(', ') : 'some project'} could not be discovered this run: kept` });
      continue;
    }
    // Replacements: caches now serving a pod set this one holds (it may be some pod's only Ready cache), plus
    // those serving the projects it was made for (pipelines of older commits may still want the old images).
    const serves = (c: PlannedCache): boolean => c.covers.some((k) => k.split('\n').every((i) => o.images.has(i)));
    const replacements = planned.filter(
      (c) => c.name === refresh || serves(c) || (recorded !== undefined && [...c.sources].some((s) => recorded.has(s))),
    );
    const failed = replacements.filter((c) => c.phase === 'Failed' || c.phase === 'UpdateFailed');
    if (failed.length) {
      steps.push({ kind: 'keep', target: o.name, reason: `superseded, but its replacement ${failed.map((c) => c.name).join(', ')} failed: kept so pods still hit a cache` });
      continue;
    }
    const after = replacements.filter((c) => c.phase !== 'Ready').map((c) => c.name);
    const why = refresh
      ? `refreshed as ${refresh}`
      : replacements.length
        ? `no pod set needs it; replaced by ${replacements.map((c) => c.name).join(', ')}`
        : 'no pod set needs it and nothing replaces it (its projects need no cache now)';
    steps.push({ kind: 'delete-superseded', target: o.name, after, reason: after.length ? `${why}; after ${after.join(', ')} is Ready` : why });
  }
  return steps;
}
