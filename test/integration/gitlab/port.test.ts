import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitlabEmulator, seedGroupVariables, seedProjects, seedTemplates, type GitlabEmulator } from '#local/gitlab/index';
import { createGitlabPort, type GitlabPort } from '#shared/gitlab/api/index';
import type { Clock } from '#shared/runtime/index';

const TOKEN = 'glpat-TESTTOKEN-0123456789';

/** A clock whose sleeps return at once but are recorded: retries are checked without waiting. */
function fakeClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => new Date(), sleep: async (ms) => void slept.push(ms) };
}

let gl: GitlabEmulator;
let port: GitlabPort;
const countRequests = (path: RegExp, method = 'GET'): number => gl.requests().filter((r) => r.method === method && path.test(r.path)).length;

beforeAll(async () => {
  gl = await startGitlabEmulator({ token: TOKEN, projects: seedProjects(), groupVariables: seedGroupVariables, templates: seedTemplates, pipelineStepMs: 5 });
  port = createGitlabPort({ url: gl.url, token: TOKEN, timeoutMs: 2_000, concurrency: 2, clock: fakeClock() });
});
afterAll(() => gl.close());

describe('GitlabPort against the emulator (real @gitbeaker/rest)', () => {
  it('lists active projects with a repository across pages', async () => {
    const before = countRequests(/^\/api\/v4\/projects$/);
    const list = await port.listActiveProjects({ perPage: 2 });
    const paths = list.map((p) => p.path_with_namespace);
    expect(paths).toEqual(['demo/java-demo', 'ops/infra', 'platform/web-app', 'platform/api-service', 'data/etl-jobs', 'platform/ci-templates', 'mobile/android-app']);
    // Keyset pages of 2 over 8 unarchived projects (archived=false asked): 4 full pages, then an empty one without a Link.
    expect(countRequests(/^\/api\/v4\/projects$/) - before).toBe(5);
    expect(list[0]).toMatchObject({ id: 1, default_branch: 'main', ci_config_path: null, archived: false, namespace: { full_path: 'demo', kind: 'group' } });
  });

  it('gets a project by path or id, keeping ci_config_path', async () => {
    const a = await port.getProject('mobile/android-app');
    expect(a.ci_config_path).toBe('ci/pipeline.yml');
    expect((await port.getProject(a.id)).path_with_namespace).toBe('mobile/android-app');
    await expect(port.getProject('nope/none')).rejects.toMatchObject({ code: 'GITLAB_API', status: 404, retryable: false });
  });

  it('reads raw files (paths with slashes, dots) and answers undefined for a missing file or ref', async () => {
    expect(await port.readFile('demo/java-demo', '.gitlab-ci.yml', 'main')).toContain('mvn_package_job:');
    expect(await port.readFile('platform/web-app', 'ci/test.yml', 'main')).toContain('postgres:15-alpine');
    expect(await port.readFile('platform/web-app', 'ci/missing.yml', 'main')).toBeUndefined();
    expect(await port.readFile('platform/web-app', 'ci/test.yml', 'no-such-branch')).toBeUndefined();
  });

  it('lints with includes merged, reports include errors, and gives undefined when lint is unavailable', async () => {
    const ci = (await port.readFile('platform/web-app', '.gitlab-ci.yml', 'main'))!;
    const r = await port.lintMerged('platform/web-app', ci, 'main');
    expect(r?.valid).toBe(true);
    expect(r?.mergedYaml).toMatch(/^build:/m);
    expect(r?.mergedYaml).toMatch(/^semgrep-sast:/m);
    expect(r?.mergedYaml).not.toMatch(/^include:/m);
    const bad = await port.lintMerged('platform/web-app', 'include: ci/nope.yml\nx:\n  script: [a]\n');
    expect(bad).toMatchObject({ valid: false, errors: ['Local file `ci/nope.yml` does not exist!'] });
    expect((await port.lintMerged('mobile/android-app', undefined, 'main'))?.mergedYaml).toContain('cimg/android:2024.01');
    gl.setLintAvailable(false);
    try {
      expect(await port.lintMerged('platform/web-app', ci)).toBeUndefined();
    } finally {
      gl.setLintAvailable(true);
    }
  });

  it('remembers a role refusal of lint per project: an api token with Reporter asks once there, still asks elsewhere', async () => {
    const token = gl.mintToken({ scopes: ['api'], memberships: { platform: 'reporter', demo: 'developer' } });
    const p = createGitlabPort({ url: gl.url, token, timeoutMs: 2_000, concurrency: 2, clock: fakeClock() });
    const ci = 'x:\n  image: alpine:3\n  script: [a]\n';
    const posts = (project: string): number => countRequests(new RegExp(`^/api/v4/projects/${encodeURIComponent(project)}/ci/lint$`), 'POST');
    const [web, api, demo] = [posts('platform/web-app'), posts('platform/api-service'), posts('demo/java-demo')];
    expect(await p.lintMerged('platform/web-app', ci)).toBeUndefined(); // 403: Developer needed (create_pipeline)
    expect(await p.lintMerged('platform/web-app', ci)).toBeUndefined();
    expect(posts('platform/web-app') - web).toBe(1);
    expect(await p.lintMerged('demo/java-demo', ci)).toMatchObject({ valid: true }); // Developer there: not blocked by the other refusal
    expect(await p.lintMerged('platform/api-service', ci)).toBeUndefined(); // each project is GitLab's own check
    expect([posts('demo/java-demo') - demo, posts('platform/api-service') - api]).toEqual([1, 1]);
  });

  it('merges group and project variables, leaving out masked, file and scoped ones', async () => {
    expect(await port.projectVariables('platform/api-service')).toEqual({
      DOCKER_MIRROR: 'mirror.example.com/dockerhub',
      GO_VERSION: '1.21',
      BASE_REGISTRY: 'registry.example.com',
    });
    expect(await port.projectVariables('demo/java-demo')).toEqual({}); // KUBE_CONFIG is masked
  });

  it('reads CI templates by key: nested ones only through a project, as GitLab serves them', async () => {
    expect(await port.readTemplate('Docker')).toContain('docker:dind');
    expect(await port.readTemplate('Security/SAST')).toBeUndefined(); // global route: name must match [\w.-]+
    expect(await port.readTemplate('SAST')).toContain('semgrep'); // …but `SAST` is looked up in Security/ too
    expect(await port.readTemplate('Security/SAST', 'platform/web-app')).toContain('semgrep');
    expect(await port.readTemplate('Jobs/Build', 3)).toContain('auto-build-image');
    expect(await port.readTemplate('No/Such', 3)).toBeUndefined();
  });

  it('creates a pipeline that runs to success', async () => {
    const p = await port.createPipeline('demo/java-demo', 'main', { DEPLOY: 'no' });
    expect(p).toMatchObject({ status: 'created', ref: 'main' });
    expect(p.web_url).toBe(`${gl.url}/demo/java-demo/-/pipelines/${p.id}`);
    let status = p.status;
    for (let i = 0; i < 200 && status !== 'success'; i++) {
      await new Promise((r) => setTimeout(r, 5));
      status = (await port.getPipeline('demo/java-demo', p.id)).status;
    }
    expect(status).toBe('success');
    await expect(port.createPipeline('demo/java-demo', 'nope')).rejects.toMatchObject({ status: 400, message: expect.stringContaining('Reference not found') });
  });
});

describe('GitlabPort failures', () => {
  it('401: clear error, no token anywhere in it', async () => {
    const wrong = createGitlabPort({ url: gl.url, token: 'glpat-WRONG-SECRET-TOKEN', clock: fakeClock() });
    const e = (await wrong.getProject(1).then(() => new Error('resolved'), (x: unknown) => x)) as Error;
    expect(e).toMatchObject({ code: 'GITLAB_API', status: 401, retryable: false });
    expect(e.message).toContain('HTTP 401: 401 Unauthorized');
    expect(e.message).toContain('GITLAB_TOKEN');
    for (const text of [e.message, String(e), JSON.stringify(e), e.stack ?? '']) expect(text).not.toContain('WRONG-SECRET');
  });

  it('429 with Retry-After: waits at least that long, then succeeds', async () => {
    const clock = fakeClock();
    const p = createGitlabPort({ url: gl.url, token: TOKEN, clock, baseBackoffMs: 10 });
    const remove = gl.faults.add({ method: 'GET', path: '^/api/v4/projects/2$', status: 429, headers: { 'retry-after': '3' }, body: 'Retry later', times: 1 });
    try {
      const before = countRequests(/^\/api\/v4\/projects\/2$/);
      expect((await p.getProject(2)).path_with_namespace).toBe('ops/infra');
      expect(countRequests(/^\/api\/v4\/projects\/2$/) - before).toBe(2);
      expect(clock.slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3000);
    } finally {
      remove();
    }
  });

  it('5xx: bounded retries, then a clear retryable error', async () => {
    const p = createGitlabPort({ url: gl.url, token: TOKEN, clock: fakeClock(), attempts: 3 });
    const remove = gl.faults.add({ path: '^/api/v4/projects/3$', status: 503, body: { message: '503 Service Unavailable' } });
    try {
      const before = countRequests(/^\/api\/v4\/projects\/3$/);
      await expect(p.getProject(3)).rejects.toMatchObject({ code: 'GITLAB_API', retryable: true, message: expect.stringContaining('HTTP 503') });
      expect(countRequests(/^\/api\/v4\/projects\/3$/) - before).toBe(3);
    } finally {
      remove();
    }
  });

  it('retries a timeout and a connection reset', async () => {
    const p = createGitlabPort({ url: gl.url, token: TOKEN, clock: fakeClock(), timeoutMs: 100 });
    const slow = gl.faults.add({ path: '^/api/v4/projects/4$', latencyMs: 400, times: 1 });
    const reset = gl.faults.add({ path: '^/api/v4/projects/5$', reset: true, times: 1 });
    try {
      expect((await p.getProject(4)).id).toBe(4);
      expect((await p.getProject(5)).id).toBe(5);
    } finally {
      slow();
      reset();
    }
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const busy = await startGitlabEmulator({ token: TOKEN, projects: seedProjects() });
    const slow = busy.faults.add({ path: '^/api/v4/projects/\\d+$', latencyMs: 30 });
    try {
      const p = createGitlabPort({ url: busy.url, token: TOKEN, concurrency: 2 });
      const got = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((id) => p.getProject(id)));
      expect(got.map((x) => x.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(busy.peakInFlight()).toBe(2);
    } finally {
      slow();
      await busy.close();
    }
  });

  it('does not retry a pipeline creation that may have happened (5xx), but does on 429', async () => {
    const p = createGitlabPort({ url: gl.url, token: TOKEN, clock: fakeClock() });
    const path = /^\/api\/v4\/projects\/demo%2Fjava-demo\/pipeline$/;
    const remove = gl.faults.add({ method: 'POST', path: path.source, status: 502, times: 1 });
    const before = countRequests(path, 'POST');
    await expect(p.createPipeline('demo/java-demo', 'main')).rejects.toMatchObject({ retryable: true });
    expect(countRequests(path, 'POST') - before).toBe(1);
    remove();
    const throttle = gl.faults.add({ method: 'POST', path: path.source, status: 429, headers: { 'retry-after': '1' }, times: 1 });
    expect((await p.createPipeline('demo/java-demo', 'main')).status).toBe('created');
    throttle();
  });
});
