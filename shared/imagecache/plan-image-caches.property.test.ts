import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ImageCache } from '#shared/kube/port';
import { isManaged } from './cache-identity';
import { planImageCaches } from './plan-image-caches';
import { simulateApply } from './simulate-apply';
import type { ImageCachePlan, PlanOptions, PodSet } from './types';

const now = new Date('2026-11-27T10:00:00Z');
const opts: PlanOptions = { now, pullSecrets: [], sizeGiB: 20, retentionDays: 30, refreshBeforeDays: 2, mutableRefreshHours: 24, maxCaches: 1000, maxImages: 20_000 };

// A small image alphabet so sets overlap, nest and collide often; a few moving tags.
const image = fc.oneof(fc.integer({ min: 0, max: 40 }).map((i) => `reg.io/img${i}:1.${i % 3}`), fc.constantFrom('alpine:latest', 'busybox'));
const podSet: fc.Arbitrary<PodSet> = fc.record({
  images: fc.array(image, { minLength: 1, maxLength: 12 }),
  sources: fc.array(fc.record({ kind: fc.constant('job' as const), projectId: fc.integer({ min: 1, max: 6 }), job: fc.constantFrom('build', 'test', 'deploy') }), { minLength: 1, maxLength: 2 }),
});
const desiredArb = fc.array(podSet, { maxLength: 30 });
const within = (set: string[], images: string[]) => set.every((i) => images.includes(i));
const shuffle = <T>(xs: readonly T[], seed: number): T[] => [...xs].map((x, i) => ({ x, k: (i * 7919 + seed * 104729) % 1009 })).sort((a, b) => a.k - b.k).map((e) => e.x);
const effects = (p: ImageCachePlan) => p.steps.filter((s) => s.kind !== 'keep' && s.kind !== 'failed');

/** An observed cluster: what an earlier plan for `before` left behind, plus a foreign cache. */
function clusterAfter(before: PodSet[]): ImageCache[] {
  const foreign: ImageCache = { apiVersion: 'eci.alibabacloud.com/v1', kind: 'ImageCache', metadata: { name: 'hand-made' }, spec: { images: ['reg.io/img1:1.1'] }, status: { phase: 'Ready' } };
  return [foreign, ...simulateApply(planImageCaches(before, [], opts), [], now)];
}

describe('planImageCaches properties', () => {
  it('covers every pod set of ≤20 images by one cache of ≤20 images', () => {
    fc.assert(
      fc.property(desiredArb, desiredArb, (before, desired) => {
        const plan = planImageCaches(desired, clusterAfter(before), opts);
        for (const c of plan.caches) expect(c.images.length).toBeLessThanOrEqual(20);
        for (const p of desired) {
          const set = [...new Set(p.images)];
          if (set.length <= 20) expect(plan.caches.some((c) => within(set, c.images))).toBe(true);
        }
      }),
    );
  });

  it('is deterministic: the same input in any order gives the same plan', () => {
    fc.assert(
      fc.property(desiredArb, desiredArb, fc.nat(), (before, desired, seed) => {
        const observed = clusterAfter(before);
        const a = planImageCaches(desired, observed, opts);
        const reordered = shuffle(desired, seed).map((p) => ({ images: shuffle(p.images, seed + 1), sources: shuffle(p.sources, seed + 2) }));
        expect(planImageCaches(reordered, shuffle(observed, seed + 3), opts)).toEqual(a);
      }),
    );
  });

  it('is idempotent: planning again over the applied result creates and deletes nothing', () => {
    fc.assert(
      fc.property(desiredArb, desiredArb, (before, desired) => {
        const observed = clusterAfter(before);
        const applied = simulateApply(planImageCaches(desired, observed, opts), observed, now);
        expect(effects(planImageCaches(desired, applied, opts))).toEqual([]);
      }),
    );
  });

  it('never deletes a cache without our label', () => {
    fc.assert(
      fc.property(desiredArb, desiredArb, (before, desired) => {
        const observed = clusterAfter(before);
        const ours = new Set(observed.filter(isManaged).map((c) => c.metadata.name));
        for (const s of planImageCaches(desired, observed, opts).steps) if (s.kind === 'delete-superseded') expect(ours.has(s.target)).toBe(true);
      }),
    );
  });

  it('never deletes before the replacement is Ready: no pod set loses its only Ready cache', () => {
    fc.assert(
      fc.property(desiredArb, desiredArb, (before, desired) => {
        const observed = clusterAfter(before).filter(isManaged);
        const plan = planImageCaches(desired, observed, opts);
        // The executor's view right after the creates: new caches are still Creating, so only deletes whose
        // `after` list is already Ready may run.
        const deleted = new Set(plan.steps.filter((s) => s.kind === 'delete-superseded' && s.after.length === 0).map((s) => s.target));
        for (const s of plan.steps) if (s.kind === 'delete-superseded' && s.after.length > 0) expect(plan.caches.filter((c) => s.after.includes(c.name)).every((c) => c.phase !== 'Ready')).toBe(true);
        const ready = (ics: ImageCache[]) => ics.filter((c) => c.status?.phase === 'Ready');
        const remaining = ready(observed.filter((c) => !deleted.has(c.metadata.name)));
        for (const p of desired) {
          const set = [...new Set(p.images)];
          if (ready(observed).some((c) => within(set, c.spec.images))) expect(remaining.some((c) => within(set, c.spec.images))).toBe(true);
        }
      }),
    );
  });
});
