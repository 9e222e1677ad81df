import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitlabEmulator } from '#local/gitlab/index';
import { HookSender } from '#local/gitlab/hook-sender';
import type { HookConfig } from '#local/gitlab/types';
import { startLocalRuntime, type LocalRuntime } from '#local/runtime/local-runtime';
import { hook, loadFixture, TEST_SECRET } from '../../fixtures/gitlab/index';

/**
 * GitLab-style delivery (the GitLab emulator's HookSender: GitLab's headers, Idempotency-Key kept on resend) →
 * local FC runtime HTTP trigger from the real s.yaml → gitlab-webhook → FC emulator async queue → ops-worker (stub).
 */
const REPO_S_YAML = fileURLToPath(new URL('../../../s.yaml', import.meta.url));
const STUB = fileURLToPath(new URL('./fixtures/ops-worker-stub', import.meta.url));
const received = () => ((globalThis as Record<string, unknown>).__webhookStubReceived ?? []) as Array<{ request: { action: string; source?: { id?: string } } }>;

describe('GitLab hook delivery through the local FC runtime', () => {
  let rt: LocalRuntime;
  let sender: HookSender;
  const target = (): HookConfig => ({ id: 1, kind: 'system', events: ['push', 'repository_update'], url: `${rt.url}/gitlab-webhook`, token: TEST_SECRET });

  beforeAll(async () => {
    rt = await startLocalRuntime({ sYamlPath: REPO_S_YAML, port: 0, timers: false, env: { WEBHOOK_SECRET: TEST_SECRET, LOG_LEVEL: 'error' }, functionDirs: { 'ops-worker': STUB }, retryBaseMs: 1 });
    sender = new HookSender({ instanceUrl: () => 'https://gitlab.example.com', version: '17.6.0-ee', timeoutMs: 10_000 });
  });
  afterAll(() => rt?.close());

  const asyncTasks = () => rt.fc.tasks().filter((t) => t.functionName === 'ops-worker' && t.source === 'api');

  it('a project Push Hook changing .gitlab-ci.yml → 202 and one prewarm run of ops-worker; a resend adds none', async () => {
    const fx = loadFixture('push');
    const rec = await sender.deliver({ hook: target(), event: fx.headerEvent, payload: fx.payload });
    expect(rec.attempts[0]).toMatchObject({ status: 202 });
    await rt.fc.idle();
    expect(asyncTasks()).toHaveLength(1);
    expect(asyncTasks()[0]).toMatchObject({ status: 'Succeeded', taskId: expect.stringMatching(/^wh_prewarm_/) });
    expect(received().map((r) => r.request.action)).toEqual(['prewarm']);
    expect(received()[0]!.request.source?.id).toBe(rec.attempts[0]!.webhookUuid);

    const again = await sender.resend(rec);
    expect(again.attempts.at(-1)).toMatchObject({ status: 202 });
    await rt.fc.idle();
    expect(asyncTasks()).toHaveLength(1);
  });

  it('system push + repository_update of one git push, delivered concurrently → one run', async () => {
    const before = asyncTasks().length;
    const push = hook('system.push', { after: 'a'.repeat(40) });
    const update = hook('system.repository_update', { changes: [{ before: 'b'.repeat(40), after: 'a'.repeat(40), ref: 'refs/heads/master' }] });
    const recs = await Promise.all([
      sender.deliver({ hook: target(), event: push.headerEvent, payload: push.payload, eventUuid: 'one-push' }),
      sender.deliver({ hook: target(), event: update.headerEvent, payload: update.payload, eventUuid: 'one-push' }),
    ]);
    expect(recs.map((r) => r.ok)).toEqual([true, true]);
    await rt.fc.idle();
    expect(asyncTasks().length - before).toBe(1);
  });

  it('a delivery with the wrong token is refused (401) and queues nothing', async () => {
    const before = asyncTasks().length;
    const fx = loadFixture('system.project_create');
    const rec = await sender.deliver({ hook: { ...target(), token: 'not-the-secret' }, event: fx.headerEvent, payload: fx.payload });
    expect(rec).toMatchObject({ ok: false, attempts: [{ status: 401 }] });
    await rt.fc.idle();
    expect(asyncTasks().length).toBe(before);
  });

  it('FC API failing → the delivery fails with 503 (GitLab logs it; a resend later succeeds)', async () => {
    const fx = loadFixture('system.project_create');
    const off = rt.fc.faults.add({ path: 'invocations', status: 500, body: { ErrorCode: 'InternalServerError', ErrorMessage: 'x' } });
    const rec = await sender.deliver({ hook: target(), event: fx.headerEvent, payload: fx.payload });
    expect(rec).toMatchObject({ ok: false, attempts: [{ status: 503 }] });
    off();
    const again = await sender.resend(rec);
    expect(again.ok).toBe(true);
    await rt.fc.idle();
    expect(received().some((r) => r.request.action === 'prewarm' && JSON.stringify(r.request).includes('"projects":[74]'))).toBe(true);
  });

  it('merging a merge request (system hook with push, repository_update and merge_request on) → one run', async () => {
    const ci = 'build:\n  image: alpine:3\n  script: [make]\n';
    const gl = await startGitlabEmulator({ token: 'glpat-mr', projects: [{ path: 'team/app', files: { '.gitlab-ci.yml': ci }, branches: { feature: { '.gitlab-ci.yml': ci.replace('alpine:3', 'alpine:4') } } }] });
    try {
      gl.addSystemHook({ url: `${rt.url}/gitlab-webhook`, token: TEST_SECRET, mergeRequestEvents: true });
      const mr = gl.mergeRequest('team/app', { action: 'open', sourceBranch: 'feature' });
      await gl.hooks.idle();
      const before = asyncTasks().length;
      gl.mergeRequest('team/app', { action: 'merge', iid: mr.iid });
      await gl.hooks.idle();
      await rt.fc.idle();
      const merged = gl.deliveries().slice(-3);
      expect(merged.map((d) => d.kind).sort()).toEqual(['merge_request', 'push', 'repository_update']);
      expect(merged.every((d) => d.attempts.at(-1)!.status === 202)).toBe(true);
      expect(asyncTasks().slice(before).map((t) => t.taskId)).toEqual([expect.stringMatching(/^wh_prewarm_/)]);
    } finally {
      await gl.close();
    }
  });
});
