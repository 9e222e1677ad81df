import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infraProject, startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { listen, readBody, sendJson } from '#local/sandbox/http-util';
import { helmReleaseSecret, seedRunnerRelease } from '#local/sandbox/parts/reconcile-seed';
import type { KubeObject } from '#local/kube/index';
import { createGitlabPort } from '#shared/gitlab/api/index';
import { classifyHook } from '#shared/gitlab/hooks/index';
import { gitlabDesiredSource, type ReconcileRun } from '#shared/reconcile/index';
import { infraFiles } from '#shared/reconcile/bundle-infra';
import { INFRA_DIR, startHarness, type Harness } from '../integration/reconcile/harness';

const TOKEN = 'glpat-e2e-reconcile';
let h: Harness;
let gl: GitlabEmulator;
let receiver: Awaited<ReturnType<typeof listen>>;
const verifications: ReconcileRun[] = [];

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!cond()) throw new Error(`gave up waiting for ${what}`);
};

beforeAll(async () => {
  h = await startHarness();
  const files = await infraFiles(INFRA_DIR);
  const projectFiles: Record<string, string> = { '.gitlab-ci.yml': (await import('node:fs')).readFileSync(`${INFRA_DIR}ci/.gitlab-ci.yml`, 'utf8') };
  for (const [p, c] of Object.entries(files)) projectFiles[`infra/${p}`] = c;
  gl = await startGitlabEmulator({ token: TOKEN, projects: [infraProject(projectFiles)], pipelineStepMs: 300 });
  const gitlab = createGitlabPort({ url: gl.url, token: TOKEN });
  const source = gitlabDesiredSource(gitlab, 'ops/infra', 'main', 'infra');
  // Stands in for the webhook function: the real classifier maps the Pipeline Hook to `reconcile` + verifyPipeline.
  receiver = await listen(async (req, res) => {
    const payload = JSON.parse((await readBody(req)).toString('utf8')) as Record<string, unknown>;
    const c = classifyHook(String(req.headers['x-gitlab-event']), payload, { ciConfigPath: '.gitlab-ci.yml', infraProject: 'ops/infra', infraRef: 'main' });
    sendJson(res, 202, { actions: c.requests.map((r) => r.action) });
    for (const r of c.requests.filter((x) => x.action === 'reconcile')) {
      const verifyPipeline = (r.params as { verifyPipeline?: number }).verifyPipeline;
      verifications.push(await h.run({ source, remediate: true, infraProject: 'ops/infra', ...(verifyPipeline ? { verifyPipeline } : {}) }, { gitlab }));
    }
  });
  gl.addProjectHook('ops/infra', { url: `${receiver.url}/hook`, token: 'hook-secret', events: ['pipeline'] });
});

afterAll(async () => {
  await receiver?.close();
  await gl?.close();
  await h?.close();
});

describe('e2e: runner value drift → infra pipeline → Pipeline Hook → verified', () => {
  it('reports the drift, triggers helmfile apply in the infra project, and verifies after the pipeline', async () => {
    const gitlab = createGitlabPort({ url: gl.url, token: TOKEN });
    const source = gitlabDesiredSource(gitlab, 'ops/infra', 'main', 'infra');
    // Someone raises concurrency in the infra repo.
    const helmfile = (await gitlab.readFile('ops/infra', 'infra/helmfile.yaml', 'main'))!;
    gl.push('ops/infra', { branch: 'main', files: { 'infra/helmfile.yaml': helmfile.replace('concurrent = 2', 'concurrent = 4') }, message: 'more runners' });

    const first = await h.run({ source, remediate: true, infraProject: 'ops/infra' }, { gitlab });
    const rel = first.report.objects.find((o) => o.target === 'HelmRelease/default/gitlab-runner')!;
    expect(rel.state).toBe('OutOfSync');
    expect(rel.diff?.map((d) => d.path)).toEqual(['runners.config']);
    expect(JSON.stringify(first.report)).not.toContain('glrt-sandboxRunnerToken');
    expect(first.report.remediation).toMatchObject({ kind: 'triggered', project: 'ops/infra', releases: ['HelmRelease/default/gitlab-runner'] });
    expect(first.mailed).toBe(true);

    // The pipeline's helmfile apply: helm writes revision 2 with the new values.
    const release = seedRunnerRelease();
    const config = { ...release.config, runners: { config: String((release.config.runners as { config: string }).config).replace('concurrent = 2', 'concurrent = 4') } };
    h.kube.store.put(helmReleaseSecret({ ...release, config, revision: 2 }) as unknown as KubeObject);

    await until(() => verifications.length > 0, 'the Pipeline Hook reconcile');
    const v = verifications[0]!.report;
    expect(v.remediation).toMatchObject({ kind: 'verified', pipeline: (first.report.remediation as { pipeline: number }).pipeline, pipelineStatus: 'success' });
    expect(v.objects.every((o) => o.state === 'Synced')).toBe(true);
    expect(v.summary).toMatch(/verified/);
  });
});
