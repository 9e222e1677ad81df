import type { ImageCache } from '#shared/kube/port';
import { buildImageCache, generationOf, imagesHash, isManaged, sourceKey } from './cache-identity';
import { classifyObserved, type ObservedCache } from './classify-observed';
import { normalizePodSets } from './normalize-pod-sets';
import { packPodSets, type Bin } from './pack-pod-sets';
import { planDeletes } from './plan-deletes';
import type { ImageCachePlan, ImageCacheStep, PlanOptions, PlannedCache, PodSet } from './types';

/** ROS caps an ImageCache at 20 images (https://help.aliyun.com/document_detail/142180.htm). */
export const MAX_IMAGES_PER_CACHE = 20;

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Plan the ImageCaches that give every distinct pod image set one cache of ≤20 images, so pods can ask for
 * `k8s.aliyun.com/imc-perfect-match`. Pure and deterministic: same desired and observed (in any order) → same plan.
 * Steps: `create`, `refresh` (a new generation of a cache whose retention ends soon or whose moving tags are old),
 * `keep`, `failed` (reported with events; what it would replace stays), `delete-superseded` (only ours, and the
 * executor deletes only once every cache named in `after` is Ready).
 * @example const plan = planImageCaches(podSets, await kube.listImageCaches(), { now, ...fromConfig });
 */
export function planImageCaches(desired: readonly PodSet[], observed: readonly ImageCache[], opts: PlanOptions): ImageCachePlan {
  const perCache = opts.maxImagesPerCache ?? MAX_IMAGES_PER_CACHE;
  const all = normalizePodSets(desired);
  const notCacheable = all
    .filter((s) => s.images.length > perCache)
    .map((s) => ({ images: s.images, uses: s.uses, sources: s.sources, reason: `${s.images.length} images in one pod; a cache holds at most ${perCache}` }));
  const sets = all.filter((s) => s.images.length <= perCache);
  const managed = observed.filter(isManaged).map((ic) => classifyObserved(ic, opts)).sort(byName);
  const foreign = observed.filter((ic) => !isManaged(ic)).map((ic) => ic.metadata.name).sort();
  const packing = packPodSets(sets, managed, { perCache, maxCaches: opts.maxCaches, maxImages: opts.maxImages });

  const hashes = new Map(managed.map((o) => [o.name, imagesHash([...o.images])]));
  const steps: ImageCacheStep[] = [];
  const caches: Array<PlannedCache & { sources: Set<string> }> = [];
  const refreshOf = new Map<string, string>(); // stale name → its refresh

  for (const bin of packing.bins) {
    const images = [...bin.images].sort();
    const sources = new Set(bin.covers.flatMap((c) => c.sources.map(sourceKey)));
    const covers = bin.covers.map((c) => c.key).sort();
    const why = `covers ${covers.length} pod set(s) used by ${bin.covers.reduce((n, c) => n + c.uses, 0)} job(s)`;
    const planned = resolveBin(bin, images, managed, hashes);
    if (planned.kind === 'keep') {
      steps.push({ kind: 'keep', target: planned.cache.name, reason: `${why}; ${planned.cache.phase}` });
      caches.push({ name: planned.cache.name, images, phase: planned.cache.phase, covers, sources });
    } else if (planned.kind === 'failed') {
      const events = planned.cache.ic.status?.events ?? [];
      steps.push({ kind: 'failed', target: planned.cache.name, reason: `${why}; creation failed: ${planned.cache.why}`, events });
      caches.push({ name: planned.cache.name, images, phase: planned.cache.phase, covers, sources });
    } else {
      const manifest = buildImageCache(images, planned.generation, [...sources], opts, planned.replaces?.name);
      const name = manifest.metadata.name;
      if (planned.replaces) {
        refreshOf.set(planned.replaces.name, name);
        steps.push({ kind: 'refresh', target: name, replaces: planned.replaces.name, reason: `${why}; ${planned.replaces.name}: ${planned.replaces.why}`, manifest });
      } else {
        steps.push({ kind: 'create', target: name, reason: `${why}; no cache holds these ${images.length} images`, manifest });
      }
      caches.push({ name, images, phase: 'absent', covers, sources });
    }
  }
  steps.push(...planDeletes(managed, caches, refreshOf, new Set(opts.unknownSources ?? [])));

  const distinct = new Set(sets.flatMap((s) => s.images)).size;
  return {
    steps: steps.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : 0)),
    caches: caches.map(({ sources: _s, ...c }) => c).sort(byName),
    podSets: all.length,
    notCacheable,
    budget: {
      caches: { used: caches.length, max: opts.maxCaches },
      images: { used: packing.imagesUsed, max: opts.maxImages },
      dropped: packing.dropped,
      lowerBoundCaches: Math.ceil(distinct / perCache),
    },
    foreign,
  };
}

type Resolved =
  | { kind: 'keep'; cache: ObservedCache }
  | { kind: 'failed'; cache: ObservedCache }
  | { kind: 'make'; generation: number; replaces?: ObservedCache };

/**
 * Name a bin against what exists with the same images: a usable one is kept; if the newest generation failed it
 * is reported (no retry storm; ECI expires failed caches after 24 h); a stale one gets the next generation.
 */
function resolveBin(bin: Bin, images: string[], managed: readonly ObservedCache[], hashes: Map<string, string>): Resolved {
  if (bin.kind === 'existing') return { kind: 'keep', cache: bin.observed! };
  const h = imagesHash(images);
  const same = managed.filter((o) => hashes.get(o.name) === h);
  const usable = same.find((o) => o.state === 'usable');
  if (usable) return { kind: 'keep', cache: usable };
  const top = same.sort((a, b) => generationOf(b.ic) - generationOf(a.ic) || byName(a, b))[0];
  if (!top) return { kind: 'make', generation: 0 };
  if (top.state === 'failed') return { kind: 'failed', cache: top };
  const stale = bin.observed ?? top;
  return { kind: 'make', generation: generationOf(top.ic) + 1, replaces: stale };
}
