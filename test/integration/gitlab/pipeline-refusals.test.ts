import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { createGitlabPort, type GitlabPort } from '#shared/gitlab/api/index';
import { reconcileReleases } from '#shared/reconcile/reconcile-releases';
import type { DesiredState } from '#shared/reconcile/types';

/**
 * Pipeline creation refused the way GitLab refuses it (lib/api/ci/pipelines.rb, app/services/ci/create_pipeline_service.rb),
 * and reconcile's helm remediation reporting each refusal as "not started: <GitLab's reason>" — never as triggered.
 */
const ADMIN = 'glpat-refusals-admin';
const DEV = 'glpat-refusals-developer';
const READ = 'glpat-refusals-read-api';
const ok = 'build:\n  script: [helmfile apply]\n';
const apiInclude = (stage: string): Record<string, string> => ({
  '.gitlab-ci.yml': `include:\n  - local: ci/api.yml\n    rules:\n      - if: $CI_PIPELINE_SOURCE == "api"\n${ok}`,
  'ci/api.yml': `api-only:\n  stage: ${stage}\n  script: [x]\n`,
});
let gl: GitlabEmulator;
let dev: GitlabPort;

beforeAll(async () => {
  gl = await startGitlabEmulator({
    token: ADMIN,
    tokens: [
      { token: DEV, scopes: ['api'], memberships: { ops: 'developer' } },
      { token: READ, scopes: ['read_api'], memberships: { ops: 'maintainer' } },
    ],
    pipelineStepMs: 5,
    projects: [
      { path: 'ops/plain', files: { '.gitlab-ci.yml': ok } },
      // Only push pipelines: an `api` pipeline is filtered out.
      { path: 'ops/push-only', files: { '.gitlab-ci.yml': `workflow:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "push"\n${ok}` } },
      // Rules see the request's variables: runs only when reconcile says why.
      { path: 'ops/gated', files: { '.gitlab-ci.yml': `workflow:\n  rules:\n    - if: $RECONCILE_REASON == "drift"\n    - when: never\n${ok}` } },
      { path: 'ops/broken', files: { '.gitlab-ci.yml': 'build:\n  script: [a\n' } },
      { path: 'ops/no-jobs', files: { '.gitlab-ci.yml': '.hidden:\n  script: [x]\n' } },
      { path: 'ops/bad-key', files: { '.gitlab-ci.yml': 'build:\n  imagee: alpine\n  script: [x]\n' } },
      // An include only `api` pipelines get; its job names a stage that exists only on the `fixed` branch's version.
      { path: 'ops/api-include', files: apiInclude('nope'), branches: { fixed: apiInclude('test') } },
      { path: 'ops/restricted', files: { '.gitlab-ci.yml': ok }, pipelineVariablesMinimumRole: 'maintainer' },
      { path: 'ops/old', files: { '.gitlab-ci.yml': ok }, archived: true },
    ],
  });
  dev = createGitlabPort({ url: gl.url, token: DEV, baseBackoffMs: 1 });
});
afterAll(() => gl.close());

const refusal = (p: Promise<unknown>) => p.then(() => ({ status: 0, reason: 'created' }), (e: { status: number; details?: { gitlabMessage?: string } }) => ({ status: e.status, reason: e.details?.gitlabMessage }));
const V = { RECONCILE_REASON: 'drift' };

describe('POST /projects/:id/pipeline refusals', () => {
  it('workflow:rules block → 400 "Pipeline filtered out by workflow rules."', async () => {
    expect(await refusal(dev.createPipeline('ops/push-only', 'main', V))).toEqual({ status: 400, reason: 'Pipeline filtered out by workflow rules.' });
    expect(await refusal(dev.createPipeline('ops/gated', 'main'))).toEqual({ status: 400, reason: 'Pipeline filtered out by workflow rules.' });
    expect((await dev.createPipeline('ops/gated', 'main', V)).status).toBe('created');
  });

  it('invalid YAML or configuration → 400 with the configuration error', async () => {
    expect(await refusal(dev.createPipeline('ops/broken', 'main'))).toMatchObject({ status: 400, reason: expect.stringMatching(/^\(<unknown>\): /) });
    expect(await refusal(dev.createPipeline('ops/no-jobs', 'main'))).toEqual({ status: 400, reason: 'jobs config should contain at least one visible job' });
    expect(await refusal(dev.createPipeline('ops/bad-key', 'main'))).toEqual({ status: 400, reason: 'jobs:build config contains unknown keys: imagee' });
  });

  it("validates the configuration at the pipeline's ref with its source: include:rules see `api`, includes come from that ref", async () => {
    expect(await refusal(dev.createPipeline('ops/api-include', 'main'))).toEqual({
      status: 400, reason: 'api-only job: chosen stage nope does not exist; available stages are .pre, build, test, deploy, .post',
    });
    expect((await dev.createPipeline('ops/api-include', 'fixed')).status).toBe('created');
  });

  it('variables below the minimum role → 400 "Insufficient permissions to set pipeline variables"; without them it runs', async () => {
    expect(await refusal(dev.createPipeline('ops/restricted', 'main', V))).toEqual({ status: 400, reason: 'Insufficient permissions to set pipeline variables' });
    expect((await dev.createPipeline('ops/restricted', 'main')).status).toBe('created');
    const admin = createGitlabPort({ url: gl.url, token: ADMIN });
    expect((await admin.createPipeline('ops/restricted', 'main', V)).status).toBe('created');
  });

  it('archived project → 403 Forbidden, even for an admin; read_api → 403 insufficient_scope', async () => {
    expect(await refusal(dev.createPipeline('ops/old', 'main'))).toEqual({ status: 403, reason: '403 Forbidden' });
    expect(await refusal(createGitlabPort({ url: gl.url, token: ADMIN }).createPipeline('ops/old', 'main'))).toEqual({ status: 403, reason: '403 Forbidden' });
    const read = createGitlabPort({ url: gl.url, token: READ });
    expect(await refusal(read.createPipeline('ops/plain', 'main'))).toEqual({
      status: 403, reason: 'insufficient_scope: The request requires higher privileges than provided by the access token. (accepted scopes: api read_api)',
    });
  });
});

describe('reconcile helm remediation under each refusal', () => {
  // The runner release is not installed at all → OutOfSync → remediation would run the infra pipeline.
  const desired: DesiredState = { source: 'test', pvs: [], pvcs: [], releases: [{ name: 'gitlab-runner', namespace: 'default', chart: 'gitlab/gitlab-runner', chartName: 'gitlab-runner', version: '0.86.0', values: {} }] };
  const kube = { listSecrets: async () => [] };
  const remediate = (gitlab: GitlabPort, infraProject: string) =>
    reconcileReleases({ kube, gitlab }, desired, [], { remediate: true, apply: true, infraProject, infraRef: 'main' }).then((r) => r.remediation);

  it.each([
    ['ops/push-only', DEV, 'not started: Pipeline filtered out by workflow rules.'],
    ['ops/broken', DEV, /^not started: \(<unknown>\): /],
    ['ops/restricted', DEV, 'not started: Insufficient permissions to set pipeline variables'],
    ['ops/old', DEV, 'not started: 403 Forbidden'],
    ['ops/plain', READ, /^not started: insufficient_scope: /],
  ])('%s with %s → %s', async (project, token, reason) => {
    const before = gl.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/pipeline')).length;
    const r = await remediate(createGitlabPort({ url: gl.url, token, baseBackoffMs: 1 }), project);
    expect(r).toMatchObject({ kind: 'skipped', releases: ['HelmRelease/default/gitlab-runner'] });
    expect((r as { reason: string }).reason).toMatch(reason);
    // A refusal is an answer: asked once, not retried.
    expect(gl.requests().filter((x) => x.method === 'POST' && x.path.endsWith('/pipeline')).length - before).toBe(1);
  });

  it('a pipeline GitLab accepts is reported triggered; a 5xx still fails the run (retryable)', async () => {
    expect(await remediate(dev, 'ops/plain')).toMatchObject({ kind: 'triggered', project: 'ops/plain' });
    gl.faults.add({ method: 'POST', path: '/pipeline$', status: 500, body: { message: '500 Internal Server Error' } });
    await expect(remediate(dev, 'ops/plain')).rejects.toMatchObject({ code: 'GITLAB_API', retryable: true });
    gl.faults.clear();
  });
});
