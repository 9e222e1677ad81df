import { describe, expect, it } from 'vitest';
import type { ImageCache } from '#shared/kube/port';
import { buildImageCache, cacheName, GENERATION_ANNOTATION, IMAGES_HASH_ANNOTATION, imagesHash, MANAGED_BY_LABEL } from './cache-identity';
import { planImageCaches } from './plan-image-caches';
import { simulateApply } from './simulate-apply';
import type { PlanOptions, PodSet } from './types';

const now = new Date('2026-11-27T10:00:00Z');
const opts: PlanOptions = { now, pullSecrets: ['ci:regcred'], sizeGiB: 40, retentionDays: 30, refreshBeforeDays: 2, mutableRefreshHours: 24, maxCaches: 50, maxImages: 400 };
const job = (projectId: number, name: string, ...images: string[]): PodSet => ({ images, sources: [{ kind: 'job', projectId, job: name }] });
const kinds = (p: ReturnType<typeof planImageCaches>) => p.steps.map((s) => `${s.kind} ${s.target}`);
const imgs = (n: number, p = 'r.io/i') => Array.from({ length: n }, (_, i) => `${p}${i}:1.0`);

describe('planImageCaches', () => {
  it('shares one cache between a pod set and its subset, named by content with our label and hash annotation', () => {
    const plan = planImageCaches([job(1, 'build', 'maven:3.9', 'helper:v1'), job(2, 'test', 'maven:3.9', 'helper:v1', 'postgres:16')], [], opts);
    expect(plan.caches).toHaveLength(1);
    const step = plan.steps[0]!;
    expect(step.kind).toBe('create');
    if (step.kind !== 'create') return;
    const images = ['helper:v1', 'maven:3.9', 'postgres:16'];
    expect(step.target).toBe(`gao-${imagesHash(images).slice(0, 12)}`);
    expect(step.manifest.metadata.labels).toEqual({ [MANAGED_BY_LABEL]: 'gitlab-ask-ops' });
    expect(step.manifest.metadata.annotations![IMAGES_HASH_ANNOTATION]).toBe(imagesHash(images));
    expect(step.manifest.spec).toEqual({ images, imagePullSecrets: ['ci:regcred'], imageCacheSize: 40, retentionDays: 30 });
  });

  it('reports a pod set over 20 images as not cacheable', () => {
    const plan = planImageCaches([job(1, 'huge', ...imgs(21)), job(1, 'small', 'a:1')], [], opts);
    expect(plan.notCacheable).toHaveLength(1);
    expect(plan.notCacheable[0]!.reason).toMatch(/21 images/);
    expect(plan.caches.every((c) => c.images.length <= 20)).toBe(true);
  });

  it('keeps what exists on a re-plan (idempotent) and packs disjoint small sets together', () => {
    const desired = [job(1, 'a', 'a:1', 'h:1'), job(2, 'b', 'b:1', 'h:1'), job(3, 'c', ...imgs(19, 'c/'))];
    const first = planImageCaches(desired, [], opts);
    expect(first.caches.length).toBe(2);
    const second = planImageCaches(desired, simulateApply(first, [], now), opts);
    expect(second.steps.every((s) => s.kind === 'keep')).toBe(true);
  });

  it('replaces a cache on a config change and deletes the old one only after the new one is Ready', () => {
    const v1 = [job(1, 'build', 'maven:3.8', 'h:1')];
    const observed = simulateApply(planImageCaches(v1, [], opts), [], now);
    const old = observed[0]!.metadata.name;
    const plan = planImageCaches([job(1, 'build', 'maven:3.9', 'h:1')], observed, opts);
    const fresh = cacheName(['h:1', 'maven:3.9']);
    expect(kinds(plan)).toEqual([`create ${fresh}`, `delete-superseded ${old}`]);
    expect(plan.steps.find((s) => s.kind === 'delete-superseded')).toMatchObject({ after: [fresh] });
    expect(simulateApply(plan, observed, now).map((c) => c.metadata.name)).toEqual([fresh]);
  });

  it('reports a Failed replacement with its events and keeps the old cache', () => {
    const observed = simulateApply(planImageCaches([job(1, 'b', 'maven:3.8')], [], opts), [], now);
    const desired = [job(1, 'b', 'maven:3.9', 'bad.io/x:1')];
    const failedState = simulateApply(planImageCaches(desired, observed, opts), observed, now, (i) => i.includes('bad.io/x:1'));
    expect(failedState).toHaveLength(2);
    const plan = planImageCaches(desired, failedState, opts);
    expect(plan.steps.find((s) => s.kind === 'failed')).toMatchObject({ events: [expect.objectContaining({ message: 'Failed to pull image' })] });
    expect(plan.steps.find((s) => s.target === observed[0]!.metadata.name)).toMatchObject({ kind: 'keep', reason: expect.stringMatching(/failed/) });
    expect(plan.steps.some((s) => s.kind === 'create' || s.kind === 'delete-superseded')).toBe(false);
  });

  it('never touches a cache without our label', () => {
    const foreign: ImageCache = { apiVersion: 'eci.alibabacloud.com/v1', kind: 'ImageCache', metadata: { name: 'gitlab-runner' }, spec: { images: ['a:1'] }, status: { phase: 'Ready' } };
    const plan = planImageCaches([job(1, 'x', 'b:1')], [foreign], opts);
    expect(plan.foreign).toEqual(['gitlab-runner']);
    expect(plan.steps.some((s) => s.target === 'gitlab-runner')).toBe(false);
  });

  it('refreshes a cache whose retention ends soon as the next generation, then supersedes the old one', () => {
    const desired = [job(1, 'b', 'maven:3.9')];
    const observed = simulateApply(planImageCaches(desired, [], opts), [], now);
    const later = new Date(now.getTime() + 29 * 86_400_000);
    const plan = planImageCaches(desired, observed, { ...opts, now: later });
    const refresh = plan.steps.find((s) => s.kind === 'refresh');
    expect(refresh).toMatchObject({ target: cacheName(['maven:3.9'], 1), replaces: cacheName(['maven:3.9']), reason: expect.stringMatching(/retention ends/) });
    if (refresh?.kind === 'refresh') expect(refresh.manifest.metadata.annotations![GENERATION_ANNOTATION]).toBe('1');
    expect(plan.steps.find((s) => s.kind === 'delete-superseded')).toMatchObject({ after: [cacheName(['maven:3.9'], 1)] });
    const after = simulateApply(plan, observed, later);
    expect(planImageCaches(desired, after, { ...opts, now: later }).steps.map((s) => s.kind)).toEqual(['keep']);
  });

  it('refreshes moving tags older than IMAGECACHE_MUTABLE_REFRESH_HOURS, not pinned ones', () => {
    const desired = [job(1, 'a', 'alpine:latest'), job(2, 'b', ...imgs(20, 'pinned/'))];
    const observed = simulateApply(planImageCaches(desired, [], opts), [], now);
    const plan = planImageCaches(desired, observed, { ...opts, now: new Date(now.getTime() + 25 * 3_600_000) });
    expect(plan.steps.filter((s) => s.kind === 'refresh')).toEqual([expect.objectContaining({ reason: expect.stringMatching(/moving tag alpine:latest/) })]);
  });

  it('fills the budget with baseline and runner first, then the most used sets, and reports the rest', () => {
    const desired: PodSet[] = [
      { images: imgs(15, 'base/'), sources: [{ kind: 'baseline' }] },
      job(1, 'rare', ...imgs(11, 'rare/')),
      job(2, 'often', ...imgs(11, 'often/')),
      job(3, 'often', ...imgs(11, 'often/')),
    ];
    const plan = planImageCaches(desired, [], { ...opts, maxCaches: 2 });
    expect(plan.caches.map((c) => c.images[0]!.split('/')[0]).sort()).toEqual(['base', 'often']);
    expect(plan.budget.dropped).toEqual([expect.objectContaining({ uses: 1, reason: 'IMAGECACHE_MAX_CACHES=2 reached' })]);
    expect(planImageCaches(desired, [], { ...opts, maxImages: 30 }).budget.dropped[0]!.reason).toMatch(/MAX_IMAGES=30/);
  });

  it('keeps a cache of a project whose discovery failed this run', () => {
    const ic = buildImageCache(['x:1'], 0, ['p9'], opts);
    ic.status = { phase: 'Ready' };
    const plan = planImageCaches([job(1, 'a', 'a:1')], [ic], { ...opts, unknownSources: ['p9'] });
    expect(plan.steps.find((s) => s.target === ic.metadata.name)).toMatchObject({ kind: 'keep', reason: expect.stringMatching(/p9 could not be discovered/) });
    expect(planImageCaches([job(1, 'a', 'a:1')], [ic], opts).steps.find((s) => s.target === ic.metadata.name)?.kind).toBe('delete-superseded');
  });

  it('deletes a failed cache nobody needs at once', () => {
    const ic = buildImageCache(['x:1'], 0, ['p9'], opts);
    ic.status = { phase: 'Failed', events: [{ type: 'Warning', message: 'pull failed' }] };
    expect(planImageCaches([], [ic], opts).steps).toEqual([expect.objectContaining({ kind: 'delete-superseded', target: ic.metadata.name, after: [] })]);
  });
});
