import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javaDemo } from '#local/gitlab/index';
import { loadConfig } from '#shared/config/index';
import { createGitlabPort } from '#shared/gitlab/api/index';
import { memoryImageSetStore, type ImageSetStore } from '#shared/imagecache/image-set-store';
import { IMAGE_SET_STORE_NAME } from '#shared/imagecache/kube-image-set-store';
import type { PrewarmReport } from '#shared/imagecache/run-prewarm';
import { createKubePort } from '#shared/kube/create-kube-port';
import { memoryLogger } from '#shared/log/index';
import { handleWorker } from '../../functions/ops-worker/handler';
import type { ActionResult } from '../../functions/ops-worker/types';
import { quickClock, startHarness, type Harness } from '../integration/imagecache/prewarm-harness';

const TOKEN = 'glpat-prewarm-test';
const api = { path: 'team/api', files: { '.gitlab-ci.yml': 'test:\n  image: maven:3.9-eclipse-temurin-21\n  services: [postgres:16]\n  script: [mvn test]\n' } };
const web = { path: 'team/web', files: { '.gitlab-ci.yml': 'lint:\n  image: node:22-alpine\n  script: [npm run lint]\n' } };

describe('a cold hook run (fresh ports, nothing in memory) reads GitLab for its project only, plans against all', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([javaDemo, api, web]);
  });
  afterAll(() => h.close());

  /** What a freshly started FC instance does: new clients, new worker deps, only the cluster remembers. */
  const coldPrewarm = (params: Record<string, unknown>, o: { dryRun?: boolean; store?: ImageSetStore } = {}): Promise<ActionResult> => {
    const config = loadConfig({ GITLAB_URL: h.gl.url, GITLAB_TOKEN: TOKEN, IMAGECACHE_BASELINE: 'registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0' });
    const ports = {
      gitlab: createGitlabPort({ url: h.gl.url, token: TOKEN, concurrency: 4, baseBackoffMs: 1 }),
      kube: createKubePort({ kubeconfigYaml: h.kube.kubeconfig, retryBaseMs: 1, timeoutMs: 5_000 }),
      mail: { send: async () => ({ sent: true, envIds: [], recipients: 1 }) },
      ...(o.store ? { imageSetStore: o.store } : {}),
    };
    const event = Buffer.from(JSON.stringify({ action: 'prewarm', params, dryRun: o.dryRun ?? false }));
    return handleWorker(event, { requestId: 'cold', function: { timeout: 60 } } as never, { config, log: memoryLogger('warn'), clock: quickClock, ports });
  };

  it('the daily (timer) run walks every project and records them in the store', async () => {
    const r = await coldPrewarm({});
    expect(r.status).toBe('changed');
    const report = r.report as PrewarmReport;
    expect(report.walk.mode).toBe('full');
    expect(report.store).toMatchObject({ changed: 3, removed: 0 });
  });

  it('a push to team/api: the cold hook run asks GitLab only about team/api and keeps every other project\'s caches', async () => {
    const ids = Object.fromEntries(((await coldPrewarm({})).report as PrewarmReport).projects.map((p) => [p.path, p.id]));
    const before = await h.caches();
    h.gl.push('team/api', { branch: 'main', files: { '.gitlab-ci.yml': api.files['.gitlab-ci.yml'].replace('postgres:16', 'postgres:17') }, message: 'pg 17' });

    const seen = h.gl.requests().length;
    const r = await coldPrewarm({ projects: [ids['team/api']] });
    const requests = h.gl.requests().slice(seen).map((q) => q.path);

    // GitLab: only the named project (and its group's variables) — no project list, no other project.
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.length).toBeLessThanOrEqual(6);
    for (const p of requests) expect(p).toMatch(new RegExp(`/projects/(${ids['team/api']}|team%2Fapi)(/|$|\\?)|/groups/`));
    expect(requests.some((p) => /\/projects\/?(\?|$)/.test(p))).toBe(false);

    const report = r.report as PrewarmReport;
    expect(report.walk.mode).toBe('hook');
    expect(report.projects.filter((p) => p.memo).map((p) => p.path).sort()).toEqual(['demo/java-demo', 'team/web']);
    expect(r.status).toBe('changed');

    // Planned against all projects: only team/api's old cache went; java-demo's and team/web's are untouched.
    const after = await h.caches();
    const deleted = before.filter((c) => !after.some((a) => a.metadata.name === c.metadata.name));
    expect(deleted.map((c) => c.spec.images.includes('postgres:16'))).toEqual([true]);
    for (const img of ['node:22-alpine', 'registry.cn-hangzhou.aliyuncs.com/eci/kubectl:1.0']) expect(after.some((c) => c.spec.images.includes(img))).toBe(true);
    expect(after.some((c) => c.spec.images.includes('postgres:17'))).toBe(true);
    expect(report.store).toMatchObject({ changed: 1, removed: 0 });
  });

  it('a dry-run hook run plans from the store but writes nothing to it', async () => {
    const rv = async () => (await createKubePort({ kubeconfigYaml: h.kube.kubeconfig }).getConfigMap('default', IMAGE_SET_STORE_NAME))?.metadata?.resourceVersion;
    const before = await rv();
    h.gl.push('team/web', { branch: 'main', files: { '.gitlab-ci.yml': web.files['.gitlab-ci.yml'].replace('node:22-alpine', 'node:24-alpine') }, message: 'node 24' });
    const r = await coldPrewarm({ projects: [3] }, { dryRun: true });
    expect((r.report as PrewarmReport).walk.mode).toBe('hook');
    expect((r.report as PrewarmReport).store).toBeUndefined();
    expect((r.report as PrewarmReport).projects.find((p) => p.id === 3)).toMatchObject({ path: 'team/web', podSets: 1 });
    expect(r.plan.some((s) => s.kind === 'create')).toBe(true);
    expect(await rv()).toBe(before);
  });

  it('a store that would overflow: the run is degraded and says so, and hook runs fall back to full walks', async () => {
    const store = memoryImageSetStore(300);
    const full = await coldPrewarm({}, { store });
    expect(full.status).toBe('degraded');
    expect(full.summary).toMatch(/image-set store full/);
    expect((full.report as PrewarmReport).store).toMatchObject({ overflow: true });
    const hook = await coldPrewarm({ projects: [3] }, { store, dryRun: true });
    expect((hook.report as PrewarmReport).walk).toMatchObject({ mode: 'full', why: expect.stringMatching(/did not record every project/) });
  });
});
