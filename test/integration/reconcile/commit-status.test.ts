import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infraProject, startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { loadConfig } from '#shared/config/index';
import { createGitlabPort } from '#shared/gitlab/api/index';
import { memoryLogger } from '#shared/log/index';
import { infraFiles } from '#shared/reconcile/bundle-infra';
import { RECONCILE_STATUS } from '#shared/reconcile/index';
import { systemClock } from '#shared/runtime/clock';
import { reconcile } from '../../../functions/ops-worker/actions/reconcile';
import { runAction } from '../../../functions/ops-worker/run-action';
import type { ActionContext } from '../../../functions/ops-worker/types';
import { INFRA_DIR, startHarness, type Harness } from './harness';

const TOKEN = 'glpat-reconcile-status';
let h: Harness;
let gl: GitlabEmulator;
let projectId: number;

beforeAll(async () => {
  h = await startHarness();
  const files: Record<string, string> = {};
  for (const [p, c] of Object.entries(await infraFiles(INFRA_DIR))) files[`infra/${p}`] = c;
  gl = await startGitlabEmulator({ token: TOKEN, projects: [infraProject(files)] });
  projectId = gl.store.findProject('ops/infra')!.id;
});
afterAll(async () => {
  await gl?.close();
  await h?.close();
});

/** The worker's reconcile action on a hook run for `sha` of ops/infra (INFRA_REF main), against both emulators. */
const runFor = (sha: string, o: { dryRun?: boolean } = {}) => {
  const config = loadConfig({ INFRA_PROJECT: 'ops/infra', INFRA_REF: 'main', GITLAB_URL: gl.url, GITLAB_TOKEN: TOKEN, PVC_PENDING_MINUTES: '10' });
  const ctx: Omit<ActionContext, 'params'> = {
    request: { action: 'reconcile', params: {}, source: { kind: 'webhook', reason: 'push', trigger: { hook: 'Push Hook', project: { id: projectId, path: 'ops/infra' }, ref: 'main', sha } } },
    dryRun: o.dryRun ?? false,
    config,
    log: memoryLogger('error'),
    clock: systemClock,
    ports: { kube: h.port, gitlab: createGitlabPort({ url: gl.url, token: TOKEN, baseBackoffMs: 1 }) },
    credentials: undefined,
    requestId: `r-${sha.slice(0, 6)}`,
    deadline: new Date(Date.now() + 60_000),
  };
  return runAction(reconcile as never, ctx);
};
const statuses = (sha: string) => gl.statuses.list(projectId, sha).filter((s) => s.name === RECONCILE_STATUS).map((s) => s.status);
const commitStatus = (r: Awaited<ReturnType<typeof runFor>>) => (r.report as { commitStatus?: { sha: string; posted: Array<{ state: string; description: string }> } }).commitStatus;

describe('reconcile sets its commit status only on the commit whose state it read', () => {
  it('a queued run for an older commit A, after B was pushed: reconciles B, A gets only `skipped`, B nothing', async () => {
    // A breaks the kustomization; B fixes it. Reading A would fail the run: it reads B, INFRA_REF's head.
    const a = gl.push('ops/infra', { branch: 'main', files: { 'infra/k8s/kustomization.yaml': 'resources: [missing.yaml]\n' }, message: 'A: broken' });
    const kust = (await infraFiles(INFRA_DIR))['k8s/kustomization.yaml']!;
    const b = gl.push('ops/infra', { branch: 'main', files: { 'infra/k8s/kustomization.yaml': kust }, message: 'B: fixed' });
    const r = await runFor(a);
    expect(r.status).not.toBe('failed');
    expect(r.plan.length).toBeGreaterThan(0);
    expect(statuses(a)).toEqual(['skipped']);
    expect(commitStatus(r)).toMatchObject({ sha: a, posted: [{ state: 'skipped', description: `superseded: ops/infra@${a.slice(0, 12)} is no longer the head of main; this run reconciled ${b.slice(0, 12)}` }] });
    expect(statuses(b)).toEqual([]);
  });

  it("the head's own run sets running, then the result, on it", async () => {
    const head = gl.store.resolveRef(gl.store.findProject('ops/infra')!, 'main')!.id;
    const r = await runFor(head);
    const posted = commitStatus(r)!.posted.map((p) => p.state);
    expect(posted).toEqual(['running', r.report && (r.report as { drift: boolean }).drift ? 'failed' : 'success']);
    expect(statuses(head)).toEqual([posted[1]]);
  });

  it('a dry run sets none', async () => {
    const c = gl.push('ops/infra', { branch: 'main', files: { 'infra/README.md': 'dry\n' }, message: 'C' });
    const r = await runFor(c, { dryRun: true });
    expect(commitStatus(r)).toBeUndefined();
    expect(statuses(c)).toEqual([]);
  });
});
