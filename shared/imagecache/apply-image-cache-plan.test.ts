import { describe, expect, it } from 'vitest';
import { AppError } from '#shared/errors/index';
import type { ImageCache } from '#shared/kube/port';
import type { Clock } from '#shared/runtime/clock';
import { applyImageCachePlan } from './apply-image-cache-plan';
import { planImageCaches } from './plan-image-caches';
import { simulateApply } from './simulate-apply';
import type { PlanOptions, PodSet } from './types';

const t0 = new Date('2026-11-27T10:00:00Z');
const opts: PlanOptions = { now: t0, pullSecrets: [], sizeGiB: 20, retentionDays: 30, refreshBeforeDays: 2, mutableRefreshHours: 24, maxCaches: 50, maxImages: 400 };
const job = (images: string[]): PodSet[] => [{ images, sources: [{ kind: 'job', projectId: 1, job: 'b' }] }];

/** A fake clock: sleeping moves time, never waits. */
function fakeClock(): Clock {
  let now = t0.getTime();
  return { now: () => new Date(now), sleep: async (ms) => void (now += ms) };
}

/** An in-memory cluster whose new caches reach `settle` after `polls` gets. */
function fakeKube(initial: ImageCache[], settle: 'Ready' | 'Failed' | 'Creating', opts2: { createFails?: boolean } = {}) {
  const store = new Map(initial.map((c) => [c.metadata.name, structuredClone(c)]));
  const deleted: string[] = [];
  return {
    deleted,
    store,
    createImageCache: async (ic: ImageCache) => {
      if (opts2.createFails) throw new AppError('KUBE_API', 'kube create imagecaches x: 500 InternalError', { retryable: true });
      const made = { ...structuredClone(ic), status: { phase: 'Creating' } };
      store.set(ic.metadata.name, made);
      return made;
    },
    getImageCache: async (name: string) => {
      const ic = store.get(name);
      if (ic && ic.status?.phase === 'Creating' && settle !== 'Creating') ic.status = { phase: settle, events: settle === 'Failed' ? [{ type: 'Warning', message: 'Failed to pull image "x"' }] : [] };
      return ic;
    },
    deleteImageCache: async (name: string) => void (deleted.push(name), store.delete(name)),
  };
}

const changed = () => {
  const observed = simulateApply(planImageCaches(job(['a:1']), [], opts), [], t0);
  return { observed, plan: planImageCaches(job(['a:2']), observed, opts) };
};

describe('applyImageCachePlan', () => {
  it('creates, waits for Ready, then deletes the superseded cache', async () => {
    const { observed, plan } = changed();
    const kube = fakeKube(observed, 'Ready');
    const r = await applyImageCachePlan(plan, kube, { clock: fakeClock(), deadline: new Date(t0.getTime() + 600_000) });
    expect(r.outcomes.map((o) => `${o.step.kind}:${o.outcome}`)).toEqual(['create:applied', 'delete-superseded:applied']);
    expect(kube.deleted).toEqual([observed[0]!.metadata.name]);
  });

  it('leaves the delete for the next run when the new cache is not Ready by the deadline', async () => {
    const { observed, plan } = changed();
    const kube = fakeKube(observed, 'Creating');
    const r = await applyImageCachePlan(plan, kube, { clock: fakeClock(), deadline: new Date(t0.getTime() + 60_000) });
    expect(r.pending).toEqual([plan.caches[0]!.name]);
    expect(r.outcomes[1]).toMatchObject({ outcome: 'skipped', detail: expect.stringMatching(/next run resumes/) });
    expect(kube.deleted).toEqual([]);
  });

  it('keeps the old cache when the new one fails, reporting the pull error', async () => {
    const { observed, plan } = changed();
    const kube = fakeKube(observed, 'Failed');
    const r = await applyImageCachePlan(plan, kube, { clock: fakeClock(), deadline: new Date(t0.getTime() + 600_000) });
    expect(r.outcomes.map((o) => o.outcome)).toEqual(['failed', 'blocked']);
    expect(r.outcomes[0]!.detail).toMatch(/Failed to pull image/);
    expect(kube.deleted).toEqual([]);
  });

  it('deletes nothing after a create error', async () => {
    const { observed, plan } = changed();
    const kube = fakeKube(observed, 'Ready', { createFails: true });
    const r = await applyImageCachePlan(plan, kube, { clock: fakeClock(), deadline: new Date(t0.getTime() + 600_000) });
    expect(r.errors).toEqual([{ code: 'KUBE_API', message: 'kube create imagecaches x: 500 InternalError' }]);
    expect(r.outcomes[1]).toMatchObject({ outcome: 'blocked', detail: expect.stringMatching(/earlier step of this run failed/) });
    expect(kube.deleted).toEqual([]);
  });
});
