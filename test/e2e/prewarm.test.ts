import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javaDemo } from '#local/gitlab/index';
import { isManaged } from '#shared/imagecache/cache-identity';
import type { PrewarmReport } from '#shared/imagecache/run-prewarm';
import { startHarness, type Harness } from '../integration/imagecache/prewarm-harness';

const HELPER = 'gitlab/gitlab-runner-helper:x86_64-latest';
const service = { path: 'team/api', files: { '.gitlab-ci.yml': 'test:\n  image: maven:3.9-eclipse-temurin-21\n  services: [postgres:16]\n  script: [mvn test]\n' } };
const images = (h: Harness) => h.caches().then((cs) => cs.map((c) => c.spec.images).sort());

describe('prewarm end to end (GitLab + Kubernetes emulators, worker handler, real clients)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([javaDemo, service], { unpullable: ['bad.registry.example/'] });
  });
  afterAll(() => h.close());

  it('dry run plans without touching the cluster', async () => {
    const r = await h.prewarm({}, true);
    expect(r).toMatchObject({ status: 'ok', dryRun: true });
    expect(r.plan.filter((s) => s.kind === 'create').length).toBeGreaterThan(0);
    expect(await h.caches()).toEqual([]);
  });

  it('first run: every job pod set (build + helper + services), the runner pod and the baseline end up in Ready caches', async () => {
    const r = await h.prewarm();
    expect(r.status).toBe('changed');
    const report = r.report as PrewarmReport;
    expect(report.runner).toMatchObject({ source: 'helm-release', helperImage: HELPER, runnerImage: 'gitlab/gitlab-runner:alpine-v13.0.0' });
    const caches = await h.caches();
    expect(caches.every((c) => c.status?.phase === 'Ready' && isManaged(c) && c.spec.images.length <= 20)).toBe(true);
    const held = (set: string[]) => caches.some((c) => set.every((i) => c.spec.images.includes(i)));
    expect(held(['registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0', HELPER])).toBe(true);
    expect(held(['registry.cn-hangzhou.aliyuncs.com/eci/kubectl:1.0', HELPER])).toBe(true);
    expect(held(['maven:3.9-eclipse-temurin-21', 'postgres:16', HELPER])).toBe(true);
    expect(held(['gitlab/gitlab-runner:alpine-v13.0.0'])).toBe(true);
    expect(h.mails).toHaveLength(1);
    expect(h.mails[0]!.subject).toMatch(/^✅ OK prewarm 2 projects: \d+ created — caches Ready$/);
  });

  it('a second push with the same config creates nothing and mails nobody', async () => {
    const before = await images(h);
    h.gl.push('demo/java-demo', { branch: 'main', files: { 'README.md': 'docs only' }, message: 'docs' });
    const r = await h.prewarm({ projects: [1] });
    expect(r.status).toBe('ok');
    expect(r.plan.every((s) => s.kind === 'keep')).toBe(true);
    expect(await images(h)).toEqual(before);
    expect(h.mails).toHaveLength(1);
  });

  it('a changed config gets a new Ready cache and the old one is removed after it', async () => {
    const oldNames = (await h.caches()).map((c) => c.metadata.name);
    h.gl.push('team/api', { branch: 'main', files: { '.gitlab-ci.yml': service.files['.gitlab-ci.yml'].replace('postgres:16', 'postgres:17') }, message: 'pg 17' });
    const r = await h.prewarm({ projects: [2] });
    expect(r.status).toBe('changed');
    const caches = await h.caches();
    const fresh = caches.find((c) => c.spec.images.includes('postgres:17'))!;
    expect(fresh.status?.phase).toBe('Ready');
    expect(caches.some((c) => c.spec.images.includes('postgres:16'))).toBe(false);
    const deleted = r.done.filter((d) => d.step.kind === 'delete-superseded' && d.outcome === 'applied').map((d) => d.step.target);
    expect(deleted).toHaveLength(1);
    expect(oldNames).toContain(deleted[0]);
    // The report carries the project's memo use: the untouched java-demo was not walked again.
    expect((r.report as PrewarmReport).projects.find((p) => p.path === 'demo/java-demo')).toMatchObject({ memo: true });
  });

  it('an unpullable image: the Failed cache is reported with its event and the old cache is kept', async () => {
    const before = await h.caches();
    const pg17 = before.find((c) => c.spec.images.includes('postgres:17'))!.metadata.name;
    h.gl.push('team/api', { branch: 'main', files: { '.gitlab-ci.yml': service.files['.gitlab-ci.yml'].replace('postgres:16', 'bad.registry.example/pg:17') }, message: 'bad' });
    const r = await h.prewarm({ projects: [2] });
    expect(r.status).toBe('degraded');
    const failed = r.done.find((d) => d.outcome === 'failed')!;
    expect(failed.detail).toMatch(/Failed to pull image "bad.registry.example\/pg:17"/);
    expect((await h.caches()).map((c) => c.metadata.name)).toContain(pg17);
    expect(r.done.find((d) => d.step.target === pg17)).toMatchObject({ outcome: 'blocked', detail: expect.stringMatching(/failed; kept/) });
    expect(h.mails.at(-1)!.subject).toMatch(/^⚠️ WARN prewarm team\/api: 1 failed, 1 blocked — /);
    expect(h.mails.at(-1)!.text).toMatch(/Findings\n-+\n.*\n-+\ngao-\S+\s+Failed to pull image "bad\.registry\.example\/pg:17"/);

    // Fixed again: the pg17 cache still serves it, the failed one goes.
    h.gl.push('team/api', { branch: 'main', files: { '.gitlab-ci.yml': service.files['.gitlab-ci.yml'].replace('postgres:16', 'postgres:17') }, message: 'fix' });
    const fixed = await h.prewarm({ projects: [2] });
    expect(fixed.done.filter((d) => d.outcome === 'applied').map((d) => d.step.kind)).toEqual(['delete-superseded']);
    expect((await h.caches()).every((c) => c.status?.phase === 'Ready')).toBe(true);
  });
});
