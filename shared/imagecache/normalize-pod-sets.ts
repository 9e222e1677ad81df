import type { NormalPodSet, PodSet, PodSetSource } from './types';

const srcKey = (s: PodSetSource): string => `${s.kind}\u0000${s.projectId ?? ''}\u0000${s.project ?? ''}\u0000${s.job ?? ''}`;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Merge pod sets with the same images (order and duplicates inside a set do not matter), count their uses and
 * order them by priority: baseline/runner first, then most used, then largest (so subsets of a placed set are
 * covered by it), then by key — a total order, so the plan does not depend on input order.
 */
export function normalizePodSets(desired: readonly PodSet[]): NormalPodSet[] {
  const byKey = new Map<string, { images: string[]; sources: Map<string, PodSetSource> }>();
  for (const p of desired) {
    const images = [...new Set(p.images.filter((i) => i !== ''))].sort();
    if (images.length === 0) continue;
    const key = images.join('\n');
    let e = byKey.get(key);
    if (!e) byKey.set(key, (e = { images, sources: new Map() }));
    for (const s of p.sources) e.sources.set(srcKey(s), s);
  }
  const out: NormalPodSet[] = [];
  for (const [key, e] of byKey) {
    const sources = [...e.sources.entries()].sort((a, b) => cmp(a[0], b[0])).map(([, s]) => s);
    const priority = sources.some((s) => s.kind !== 'job') ? 0 : 1;
    out.push({ key, images: e.images, sources, uses: Math.max(1, sources.length), priority });
  }
  return out.sort((a, b) => a.priority - b.priority || b.uses - a.uses || b.images.length - a.images.length || cmp(a.key, b.key));
}
