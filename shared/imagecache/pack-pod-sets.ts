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

/** image → the holders (bins or caches) containing it, so "who holds this whole set" scans only the rarest image's list. */
class HolderIndex<T extends { images: Set<string> }> {
  private readonly by = new Map<string, T[]>();
  add(h: T, images: Iterable<string> = h.images): void {
    for (const i of images) {
      const l = this.by.get(i);
      if (l) l.push(h);
      else this.by.set(i, [h]);
    }
  }
  /** Holders containing every image of `set`, in insertion order. */
  holding(set: readonly string[]): T[] {
    let rarest: T[] | undefined;
    for (const i of set) {
      const l = this.by.get(i);
      if (!l) return [];
      if (!rarest || l.length < rarest.length) rarest = l;
    }
    return (rarest ?? []).filter((h) => within(set, h.images));
  }
  /** How many images of `set` each holder shares with it. */
  shared(set: readonly string[]): Map<T, number> {
    const m = new Map<T, number>();
    for (const i of set) for (const h of this.by.get(i) ?? []) m.set(h, (m.get(h) ?? 0) + 1);
    return m;
  }
}

/**
 * Cover every pod set by one cache, in the sets' priority order (see normalizePodSets):
 *   1. a cache already chosen that holds the whole set;
 *   2. an existing usable cache that holds it and no dead image (the one covering most sets, then by name);
 *   3. a stale cache that holds it → a refresh with the same images;
 *   4. best fit: the new bin that grows least while staying ≤ perCache images (first such bin on ties);
 *   5. a new bin — unless the budget (caches, images) is full, then the set is dropped and reported.
 * Greedy, so not optimal (the problem is the NP-hard "pagination" variant of bin packing with shared items), but
 * never worse than one cache per distinct maximal set; the plan also reports ceil(images / perCache) as a bound.
 */
export function packPodSets(sets: readonly NormalPodSet[], observed: readonly ObservedCache[], limits: PackLimits): Packing {
  // A cache holding an image no pod set uses any more is not reused: it is rebuilt without it, so caches do not
  // collect dead images (each costs snapshot space) and their content stays a function of the desired state.
  const wanted = new Set(sets.flatMap((s) => s.images));
  const candidates = observed.filter((o) => o.state !== 'failed' && o.images.size <= limits.perCache && [...o.images].every((i) => wanted.has(i)));
  const existing = new HolderIndex<ObservedCache>();
  for (const o of candidates) existing.add(o);
  const score = new Map<string, number>();
  for (const s of sets) for (const o of existing.holding(s.images)) score.set(o.name, (score.get(o.name) ?? 0) + 1);
  const bins: Bin[] = [];
  const chosenIdx = new HolderIndex<Bin>();
  const newIdx = new HolderIndex<Bin>();
  const chosen = new Set<string>();
  const dropped: Array<{ s: NormalPodSet; why: string }> = [];
  let imagesUsed = 0;
  const fits = (cost: number, newCache: boolean): boolean =>
    imagesUsed + cost <= limits.maxImages && (!newCache || bins.length + 1 <= limits.maxCaches);
  const pos = new Map<Bin, number>();
  const open = (bin: Bin): void => {
    pos.set(bin, bins.length);
    bins.push(bin);
    chosenIdx.add(bin);
    if (bin.kind === 'new') newIdx.add(bin);
  };

  for (const s of sets) {
    const held = chosenIdx.holding(s.images)[0];
    if (held) {
      held.covers.push(s);
      continue;
    }
    const holders = existing.holding(s.images).filter((o) => !chosen.has(o.name));
    const pick = (state: ObservedCache['state']): ObservedCache | undefined =>
      holders.filter((o) => o.state === state).sort((a, b) => score.get(b.name)! - score.get(a.name)! || (a.name < b.name ? -1 : 1))[0];
    const found = pick('usable') ?? pick('stale');
    if (found && fits(found.images.size, true)) {
      chosen.add(found.name);
      imagesUsed += found.images.size;
      open({ kind: found.state === 'usable' ? 'existing' : 'refresh', images: new Set(found.images), covers: [s], observed: found });
      continue;
    }
    // Best fit: a bin sharing images always grows less than one sharing none; among equals the oldest bin wins.
    let best: { bin: Bin; added: number; at: number } | undefined;
    for (const [bin, n] of newIdx.shared(s.images)) {
      const added = s.images.length - n;
      const at = pos.get(bin)!;
      if (bin.images.size + added > limits.perCache) continue;
      if (!best || added < best.added || (added === best.added && at < best.at)) best = { bin, added, at };
    }
    if (!best) {
      const bin = bins.find((b) => b.kind === 'new' && b.images.size + s.images.length <= limits.perCache);
      if (bin) best = { bin, added: s.images.length, at: 0 };
    }
    if (best && fits(best.added, false)) {
      const added = s.images.filter((i) => !best.bin.images.has(i));
      for (const i of added) best.bin.images.add(i);
      chosenIdx.add(best.bin, added);
      newIdx.add(best.bin, added);
      imagesUsed += best.added;
      best.bin.covers.push(s);
    } else if (fits(s.images.length, true)) {
      imagesUsed += s.images.length;
      open({ kind: 'new', images: new Set(s.images), covers: [s] });
    } else {
      dropped.push({ s, why: bins.length >= limits.maxCaches ? `IMAGECACHE_MAX_CACHES=${limits.maxCaches} reached` : `IMAGECACHE_MAX_IMAGES=${limits.maxImages} reached` });
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
  const index = new HolderIndex<Bin>();
  for (const b of bins) index.add(b);
  const gone = new Set<Bin>();
  const home = (set: readonly string[], not?: Bin): Bin | undefined => index.holding(set).find((b) => b !== not && !gone.has(b));
  for (let i = bins.length - 1; i >= 0; i--) {
    const bin = bins[i]!;
    const homes = bin.covers.map((s) => home(s.images, bin));
    if (homes.some((h) => h === undefined)) continue;
    bin.covers.forEach((s, j) => homes[j]!.covers.push(s));
    gone.add(bin);
  }
  const live = bins.filter((b) => !gone.has(b));
  const still: Uncached[] = [];
  for (const { s, why } of dropped) {
    const h = home(s.images);
    if (h) h.covers.push(s);
    else still.push({ images: s.images, uses: s.uses, sources: s.sources, reason: why });
  }
  return { bins: live, dropped: still, imagesUsed: live.reduce((n, b) => n + b.images.size, 0) };
}
