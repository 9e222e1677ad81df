import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JAVA_DEMO_CI } from '#local/gitlab/index';
import { sandboxParts } from '#local/sandbox/boot';
import { createKubePart } from '#local/sandbox/parts/kube-part';
import { startSandbox, type Started } from '#local/start';
import { createKubePort } from '#shared/kube/create-kube-port';
import { decodeData } from '#shared/imagecache/image-set-store';
import { IMAGE_SET_STORE_NAME } from '#shared/imagecache/kube-image-set-store';
import type { PrewarmReport } from '#shared/imagecache/run-prewarm';

/**
 * In the sandbox (system hook with push + repository_update on, the infra project's pipeline hook): one run per
 * change, its result as a commit status in GitLab, and a CI config that does not parse reported as a failure that
 * keeps the previous images (docs/adr/0024). Every wait is on a state, never on a time.
 */
interface Task { taskId: string; status: string; payload: string; result?: unknown }
interface Delivery { kind: string; attempts: Array<{ status?: number }> }
interface Status { name: string; status: string; description: string | null }

let s: Started;
let dir: string;
const json = async <T>(url: string, init?: RequestInit): Promise<T> => {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const tasks = (): Task[] => s.sandbox.runtime.fc.tasks() as Task[];
const action = (t: Task): string => (JSON.parse(t.payload) as { action: string }).action;
const deliveries = async () => (await json<{ deliveries: Delivery[] }>(`${s.sandbox.urls['gitlab-admin']}/deliveries`)).deliveries;

/** Push, then wait until every hook was answered and every task finished, twice in a row with nothing new. */
async function push(project: string, files: Record<string, string>): Promise<{ commit: string; projectId: number; tasks: Task[] }> {
  const before = tasks().length;
  const r = await json<{ commit: string; projectId: number }>(`${s.sandbox.urls['gitlab-admin']}/push`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project, files, message: 'e2e' }),
  });
  let last = '';
  for (let i = 0, calm = 0; calm < 3; i++) {
    if (i > 600) throw new Error('the sandbox never settled');
    await new Promise((res) => setTimeout(res, 100));
    const d = await deliveries();
    const mine = tasks().slice(before);
    const settled = mine.length > 0 && d.every((x) => x.attempts.length > 0) && mine.every((t) => t.status === 'Succeeded' || t.status === 'Failed');
    const now = `${d.length}/${tasks().length}`;
    calm = settled && now === last ? calm + 1 : 0;
    last = now;
  }
  return { ...r, tasks: tasks().slice(before) };
}
/** What each channel's emulator has received, newest first: mail subjects, DingTalk titles, Slack texts. */
async function outboxes(): Promise<Record<'mail' | 'dingtalk' | 'slack', string[]>> {
  const u = s.sandbox.urls;
  return {
    mail: (await json<{ mails: Array<{ subject: string }> }>(u['outbox.json']!)).mails.map((m) => m.subject),
    dingtalk: (await json<{ messages: Array<{ title: string }> }>(u['dingtalk.json']!)).messages.map((m) => m.title),
    slack: (await json<{ messages: Array<{ text: string }> }>(u['slack.json']!)).messages.map((m) => m.text),
  };
}
/** The entries each channel received since `before` (newest first). */
const added = async (before: Record<string, string[]>): Promise<Record<string, string[]>> =>
  Object.fromEntries(Object.entries(await outboxes()).map(([k, v]) => [k, v.slice(0, v.length - before[k]!.length)]));

const statuses = (projectId: number, sha: string, q = '') =>
  json<Status[]>(`${s.sandbox.urls.gitlab}/api/v4/projects/${projectId}/repository/commits/${sha}/statuses${q}`, { headers: { 'PRIVATE-TOKEN': s.sandbox.env.GITLAB_TOKEN! } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'statuses-e2e-'));
  const parts = sandboxParts.map((p) => (p.name === 'kube' ? createKubePart({ readyAfterMs: 20 }) : p));
  s = await startSandbox({ env: { WEBHOOK_SECRET: 'statuses-e2e', SANDBOX_DIR: dir, LOG_LEVEL: 'warn' }, port: 0, timers: false, retryBaseMs: 1, parts, out: () => undefined });
});
afterAll(async () => {
  await s?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('one run per change, its result on the commit', () => {
  it('a CI change: push and repository_update reach the webhook, one prewarm runs, the commit shows its status', async () => {
    const d0 = (await deliveries()).length;
    const r = await push('demo/java-demo', { '.gitlab-ci.yml': `${JAVA_DEMO_CI}\ntest_job:\n  image: maven:3.9\n  script: [mvn test]\n` });
    expect((await deliveries()).slice(d0).map((d) => d.kind).sort()).toEqual(['push', 'repository_update']);
    expect(r.tasks.map(action)).toEqual(['prewarm']);
    expect(r.tasks[0]!.status).toBe('Succeeded');
    expect(await statuses(r.projectId, r.commit)).toEqual([expect.objectContaining({ name: 'gitlab-ask-ops/prewarm', status: 'success', description: expect.stringMatching(/^\d+ images in \d+ caches?, Ready$/) })]);
  });

  it('a .gitlab-ci.yml that does not parse: failed status with the line, previous images kept, exactly one finding, told once', async () => {
    const kube = createKubePort({ kubeconfigYaml: readFileSync(s.sandbox.env.KUBE_SANDBOX_KUBECONFIG!, 'utf8') });
    const ns = s.sandbox.env.RUNNER_NAMESPACE ?? 'default';
    const storeBefore = decodeData((await kube.getConfigMap(ns, IMAGE_SET_STORE_NAME))?.data);
    const cachesBefore = (await kube.listImageCaches()).map((c) => c.metadata.name).sort();
    // Line 11 opens a flow sequence; the block sequence item on line 12 (column 5) cannot be inside it.
    const broken = JAVA_DEMO_CI.replace('  script:\n    - mvn clean package -DskipTests', '  script: [\n    - mvn clean package -DskipTests');
    const told0 = await outboxes();
    const r = await push('demo/java-demo', { '.gitlab-ci.yml': broken });
    expect(r.tasks.map(action)).toEqual(['prewarm']);
    const result = r.tasks[0]!.result as { status: string; summary: string; report: PrewarmReport };
    expect(result.status).toBe('degraded');
    expect(result.summary).toContain('1 project(s) with a broken CI config (previous images kept)');
    const findings = (result.report.findings ?? []).filter((f) => f.rule === 'ci-config-invalid');
    expect(findings).toEqual([expect.objectContaining({ target: `project/${r.projectId}`, cause: expect.stringMatching(/^\.gitlab-ci\.yml:\d+:\d+: YAML: /) })]);
    const line = /^\.gitlab-ci\.yml:(\d+):/.exec(findings[0]!.cause!)![1];
    expect(findings[0]!.cause).toMatch(/^\.gitlab-ci\.yml:12:5: YAML: Block collections are not allowed within flow collections/);
    expect(result.report.projects.find((p) => p.id === r.projectId)).toMatchObject({ memo: true, kept: { podSets: storeBefore.projects.get(r.projectId)!.podSets.length } });

    // The store still holds the previous sets; no cache was deleted for them.
    const storeAfter = decodeData((await kube.getConfigMap(ns, IMAGE_SET_STORE_NAME))?.data);
    expect(storeAfter.projects.get(r.projectId)).toEqual(storeBefore.projects.get(r.projectId));
    expect((await kube.listImageCaches()).map((c) => c.metadata.name).sort()).toEqual(cachesBefore);

    const [st] = await statuses(r.projectId, r.commit);
    expect(st).toMatchObject({ name: 'gitlab-ask-ops/prewarm', status: 'failed' });
    expect(st!.description).toMatch(new RegExp(`^\\.gitlab-ci\\.yml:${line}:\\d+: YAML: .*; previous image set kept \\(\\d+ pod sets? from `));

    // One message on every channel, the same subject. ⚠️ WARN, not ❌ FAIL: a message's severity is its run's status
    // (degraded: the run did its work and kept the images), the failed commit status is the developer's (ADR 0023).
    const told = await added(told0);
    expect(told.mail).toEqual([expect.stringMatching(/^\[gitlab-ask-ops\] ⚠️ WARN prewarm demo\/java-demo@main: \.gitlab-ci\.yml:12:5: YAML: /)]);
    expect(told.dingtalk).toEqual([told.mail![0]!.replace('[gitlab-ask-ops] ', '')]);
    expect(told.slack).toEqual(told.dingtalk);

    // The same breakage pushed again (a comment added below it): the run re-discovers it, and nothing is told.
    const told1 = await outboxes();
    const again = await push('demo/java-demo', { '.gitlab-ci.yml': `${broken}\n# pushed again, still broken\n` });
    expect(again.tasks.map(action)).toEqual(['prewarm']);
    const second = again.tasks[0]!.result as { status: string; report: PrewarmReport & { notify: { told: boolean } } };
    expect(second.status).toBe('degraded');
    expect((second.report.findings ?? []).filter((f) => f.rule === 'ci-config-invalid').map((f) => f.cause)).toEqual([findings[0]!.cause]);
    expect(await added(told1)).toEqual({ mail: [], dingtalk: [], slack: [] });
    expect(second.report.notify.told).toBe(false);
    expect((await statuses(again.projectId, again.commit))[0]).toMatchObject({ status: 'failed' });
  });

  it('an infra push: one reconcile, the infra commit shows its status, and the pipeline hooks its statuses cause start nothing', async () => {
    const d0 = (await deliveries()).length;
    const r = await push('ops/infra', { 'README.md': '# infra\nchanged\n' });
    expect(r.tasks.map(action).sort()).toEqual(['prewarm', 'reconcile']);
    const all = await statuses(r.projectId, r.commit);
    expect(all.map((x) => x.name).sort()).toEqual(['gitlab-ask-ops/prewarm', 'gitlab-ask-ops/reconcile']);
    // The seeded cluster keeps a drift reconcile may not fix (a recreate is off): the status says so.
    const rec = r.tasks.find((t) => action(t) === 'reconcile')!.result as { report: { drift: boolean; summary: string; commitStatus: { posted: Array<{ state: string }> } } };
    const st = all.find((x) => x.name === 'gitlab-ask-ops/reconcile')!;
    expect(st.status).toBe(rec.report.drift ? 'failed' : 'success');
    expect(st.description).toContain(rec.report.summary);
    expect(rec.report.commitStatus.posted.map((p) => p.state)).toEqual(['running', st.status]);
    // GitLab made an external pipeline for those statuses and fired the infra project's Pipeline Hook for it.
    const pipelineHooks = (await deliveries()).slice(d0).filter((d) => d.kind === 'pipeline');
    expect(pipelineHooks.length).toBeGreaterThan(0);
    expect(pipelineHooks.every((d) => d.attempts.at(-1)!.status === 202)).toBe(true);
    expect(r.tasks.filter((t) => action(t) === 'reconcile')).toHaveLength(1);
  });

  it('sandbox fault gitlab-status-busy: a 409 is retried and the status still set; the fault fires once and clears', async () => {
    const set = await fetch(`${s.sandbox.urls.index}/faults/gitlab-status-busy`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ times: 1 }) });
    expect(set.status).toBe(200);
    const r = await push('demo/java-demo', { '.gitlab-ci.yml': `${JAVA_DEMO_CI}\nlint_job:\n  image: node:20\n  script: [npm run lint]\n` });
    const result = r.tasks[0]!.result as { status: string; report: PrewarmReport };
    expect(result.report.commitStatus).toMatchObject({ posted: [{ state: 'running' }, { state: 'success' }] });
    expect(result.report.commitStatus!.problem).toBeUndefined();
    const faults = (await json<{ faults: Array<{ name: string; active: boolean }> }>(`${s.sandbox.urls.index}/faults`)).faults;
    expect(faults.find((f) => f.name === 'gitlab-status-busy')).toMatchObject({ active: false });
    expect((await statuses(r.projectId, r.commit))[0]).toMatchObject({ status: 'success' });
  });
});
