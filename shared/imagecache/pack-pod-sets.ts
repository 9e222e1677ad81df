import type { ObservedCache } from './classify-observed';
import type { NormalPodSet, Uncached } from './types';

/** A cache the plan relies on: an existing one kept, a refresh of a stale one, or a new bin. */
export interface Bin {
  kind: 'existing' | 'refresh' | 'new';
  images: Set<string>;
  covers: NormalPodSet[];
  /** The observed cache (existing: itself; refresh: the stale one it replaces). */
  observed?: ObservedCache;
}

export interface PackLimits {
  perCache: number;
  maxCaches: number;
  maxImages: number;
}

export interface Packing {
  bins: Bin[];
  dropped: Uncached[];
  imagesUsed: number;
}

const within = (set: readonly string[], images: Set<string>): boolean => set.every((i) => images.has(i));

/**
 * Cover every pod set by one cache, in the sets' priority order (see normalizePodSets):
 *   1. a cache already chosen that holds the whole set;
 *   2. an existing usable cache that holds it and no dead image (the one covering most sets, then by name);
 *   3. a stale cache that holds it → a refresh with the same images;
 *   4. best fit: the new bin that grows least while staying ≤ perCache images;
 *   5. a new bin — unless the budget (caches, images) is full, then the set is dropped and reported.
 * Greedy, so not optimal (the problem is the NP-hard "pagination" variant of bin packing with shared items), but
 * never worse than one cache per distinct maximal set; the plan also reports ceil(images / perCache) as a bound.
 */
export function packPodSets(sets: readonly NormalPodSet[], observed: readonly ObservedCache[], limits: PackLimits): Packing {
  // A cache holding an image no pod set uses any more is not reused: it is rebuilt without it, so caches do not
  // collect dead images (each costs snapshot space) and their content stays a function of the desired state.
  const wanted = new Set(sets.flatMap((s) => s.images));
  const candidates = observed.filter((o) => o.state !== 'failed' && o.images.size <= limits.perCache && [...o.images].every((i) => wanted.has(i)));
  const score = new Map(candidates.map((o) => [o.name, sets.filter((s) => within(s.images, o.images)).length]));
  const bins: Bin[] = [];
  const chosen = new Set<string>();
  const dropped: Array<{ s: NormalPodSet; why: string }> = [];
  let imagesUsed = 0;
  const fits = (cost: number, newCache: boolean): boolean =>
    imagesUsed + cost <= limits.maxImages && (!newCache || bins.length + 1 <= limits.maxCaches);
  const drop = (s: NormalPodSet, why: string): void => {
    dropped.push({ s, why });
  };

  for (const s of sets) {
    const held = bins.find((b) => within(s.images, b.images));
    if (held) {
      held.covers.push(s);
      continue;
    }
    const pick = (state: ObservedCache['state']): ObservedCache | undefined =>
      candidates
        .filter((o) => o.state === state && !chosen.has(o.name) && within(s.images, o.images))
        .sort((a, b) => score.get(b.name)! - score.get(a.name)! || (a.name < b.name ? -1 : 1))[0];
    const existing = pick('usable') ?? pick('stale');
    if (existing && fits(existing.images.size, true)) {
      chosen.add(existing.name);
      imagesUsed += existing.images.size;
      bins.push({ kind: existing.state === 'usable' ? 'existing' : 'refresh', images: new Set(existing.images), covers: [s], observed: existing });
      continue;
    }
    let best: { bin: Bin; added: number } | undefined;
    for (const bin of bins) {
      if (bin.kind !== 'new') continue;
      const added = s.images.filter((i) => !bin.images.has(i)).length;
      if (bin.images.size + added > limits.perCache || (best && added >= best.added)) continue;
      best = { bin, added };
    }
    if (best && fits(best.added, false)) {
      for (const i of s.images) best.bin.images.add(i);
      imagesUsed += best.added;
      best.bin.covers.push(s);
    } else if (fits(s.images.length, true)) {
      imagesUsed += s.images.length;
      bins.push({ kind: 'new', images: new Set(s.images), covers: [s] });
    } else {
      drop(s, bins.length >= limits.maxCaches ? `IMAGECACHE_MAX_CACHES=${limits.maxCaches} reached` : `IMAGECACHE_MAX_IMAGES=${limits.maxImages} reached`);
    }
  }
  return prune(bins, dropped);
}

/**
 * A bin whose every set is also held by another bin is dropped (last first), and a dropped set that a final bin
 * happens to hold counts as covered. So every remaining cache serves a set no other does, which is what makes a
 * re-plan over the applied result choose exactly the same caches (idempotence).
 */
function prune(bins: Bin[], dropped: Array<{ s: NormalPodSet; why: string }>): Packing {
  const live = [...bins];
  for (let i = live.length - 1; i >= 0; i--) {
    const bin = live[i]!;
    const others = live.filter((b) => b !== bin);
    const homes = bin.covers.map((s) => others.find((b) => within(s.images, b.images)));
    if (homes.some((h) => h === undefined)) continue;
    bin.covers.forEach((s, j) => homes[j]!.covers.push(s));
    live.splice(i, 1);
  }
  const still: Uncached[] = [];
  for (const { s, why } of dropped) {
    const home = live.find((b) => within(s.images, b.images));
    if (home) home.covers.push(s);
    else still.push({ images: s.images, uses: s.uses, sources: s.sources, reason: why });
  }
  return { bins: live, dropped: still, imagesUsed: live.reduce((n, b) => n + b.images.size, 0) };
}
