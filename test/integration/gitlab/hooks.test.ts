import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { javaDemo, startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { listen, readBody, type Listening } from '#local/sandbox/http-util';

const TOKEN = 'glpat-hooks-test';
const SECRET = 'hook-secret-123';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A webhook receiver whose answers are scripted per request (status and delay), default 200. */
async function receiver(): Promise<Listening & { got: Received[]; script: Array<{ status?: number; delayMs?: number }> }> {
  const got: Received[] = [];
  const script: Array<{ status?: number; delayMs?: number }> = [];
  const l = await listen(async (req, res) => {
    const body = JSON.parse((await readBody(req)).toString('utf8')) as Record<string, unknown>;
    got.push({ path: req.url ?? '/', headers: req.headers, body });
    const step = script.shift() ?? {};
    if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
    if (!res.destroyed) {
      res.writeHead(step.status ?? 200, { 'content-type': 'text/plain' });
      res.end('ok');
    }
  });
  return Object.assign(l, { got, script });
}

let rx: Awaited<ReturnType<typeof receiver>>;
const emulators: GitlabEmulator[] = [];
const start = async (o: Partial<Parameters<typeof startGitlabEmulator>[0]> = {}): Promise<GitlabEmulator> => {
  const gl = await startGitlabEmulator({ token: TOKEN, projects: [javaDemo], pipelineStepMs: 5, ...o });
  emulators.push(gl);
  return gl;
};

beforeAll(async () => {
  rx = await receiver();
});
afterEach(() => {
  rx.got.length = 0;
  rx.script.length = 0;
});
afterAll(async () => {
  await Promise.all(emulators.map((g) => g.close()));
  await rx.close();
});

describe('hook delivery', () => {
  it('a push sends system push, project Push Hook and repository_update with GitLab headers', async () => {
    const gl = await start();
    gl.addSystemHook({ url: `${rx.url}/system`, token: SECRET });
    gl.addProjectHook('demo/java-demo', { url: `${rx.url}/project`, token: SECRET, events: ['push'] });
    const sha = gl.push('demo/java-demo', { branch: 'main', files: { '.gitlab-ci.yml': 'x:\n  script: [a]\n', 'pom.xml': null, 'new.txt': 'n' }, message: 'change ci' });
    await gl.hooks.idle();
    // Deliveries run in parallel (as GitLab's Sidekiq jobs do): compare in a fixed order, not arrival order.
    const rank = (g: Received): string => `${g.headers['x-gitlab-event'] === 'Push Hook' ? 1 : g.body.event_name === 'push' ? 0 : 2}`;
    rx.got.sort((a, b) => rank(a).localeCompare(rank(b)));

    expect(rx.got.map((g) => [g.path, g.headers['x-gitlab-event'], g.body.event_name])).toEqual([
      ['/system', 'System Hook', 'push'],
      ['/project', 'Push Hook', 'push'],
      ['/system', 'System Hook', 'repository_update'],
    ]);
    for (const g of rx.got) {
      expect(g.headers['content-type']).toBe('application/json');
      expect(g.headers['user-agent']).toBe('GitLab/17.9.1-ee');
      expect(g.headers['x-gitlab-instance']).toBe(gl.url);
      expect(g.headers['x-gitlab-token']).toBe(SECRET);
      expect(g.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
      expect(g.headers['x-gitlab-webhook-uuid']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const one = (h: string): Set<unknown> => new Set(rx.got.map((g) => g.headers[h]));
    // Each hook execution is its own WebHookWorker job with its own recursion-detection UUID (uuid_for_hook).
    expect(one('x-gitlab-event-uuid').size).toBe(3);
    expect(one('idempotency-key').size).toBe(3); // one per hook execution
    expect(one('x-gitlab-webhook-uuid').size).toBe(3); // one per request

    const [sysPush, projPush, update] = rx.got.map((g) => g.body);
    expect(sysPush).not.toHaveProperty('object_kind');
    expect(sysPush).toMatchObject({ after: sha, ref: 'refs/heads/main', project: { path_with_namespace: 'demo/java-demo' }, total_commits_count: 1 });
    expect((sysPush!.commits as Array<Record<string, unknown>>)[0]).toMatchObject({ id: sha, added: ['new.txt'], modified: ['.gitlab-ci.yml'], removed: ['pom.xml'] });
    expect(projPush).toMatchObject({ object_kind: 'push', ref_protected: true, project_id: 1 });
    expect(update).toMatchObject({ changes: [{ after: sha, ref: 'refs/heads/main' }], refs: ['refs/heads/main'] });
  });

  it('by default a failed delivery is recorded, not re-sent (GitLab behaviour)', async () => {
    const gl = await start();
    gl.addSystemHook({ url: rx.url, pushEvents: false });
    rx.script.push({ status: 500 });
    gl.push(1, { branch: 'main', files: { a: '1' }, message: 'm' });
    await gl.hooks.idle();
    expect(rx.got).toHaveLength(1);
    expect(rx.got[0]!.headers).not.toHaveProperty('x-gitlab-token');
    expect(gl.deliveries()[0]).toMatchObject({ ok: false, attempts: [{ status: 500 }] });
  });

  it('with retries on, a timed-out then failed delivery is retried with the same Idempotency-Key', async () => {
    const gl = await start({ hookRetries: 2, hookRetryDelayMs: 1, hookTimeoutMs: 100 });
    gl.addSystemHook({ url: rx.url, token: SECRET, pushEvents: false });
    rx.script.push({ delayMs: 400 }, { status: 502 });
    gl.push(1, { branch: 'main', files: { a: '2' }, message: 'm' });
    await gl.hooks.idle();
    const d = gl.deliveries()[0]!;
    expect(d.ok).toBe(true);
    expect(d.attempts.map((a) => a.status ?? a.error)).toEqual(['timeout', 502, 200]);
    expect(new Set(rx.got.map((g) => g.headers['idempotency-key'])).size).toBe(1);
    expect(new Set(rx.got.map((g) => g.headers['x-gitlab-webhook-uuid'])).size).toBe(3);
  });

  it('counts a 3xx as success and resends keep the Idempotency-Key', async () => {
    const gl = await start();
    gl.addSystemHook({ url: rx.url, token: SECRET, pushEvents: false });
    rx.script.push({ status: 302 });
    gl.push(1, { branch: 'feature', files: { b: '1' }, message: 'm' });
    await gl.hooks.idle();
    const d = gl.deliveries()[0]!;
    expect(d).toMatchObject({ ok: true, attempts: [{ status: 302 }] });
    expect((rx.got[0]!.body.changes as Array<{ before: string }>)[0]!.before).toBe('0'.repeat(40)); // new branch
    await gl.hooks.resend(d);
    expect(rx.got[1]!.headers['idempotency-key']).toBe(rx.got[0]!.headers['idempotency-key']);
    expect(rx.got[1]!.headers['x-gitlab-webhook-uuid']).not.toBe(rx.got[0]!.headers['x-gitlab-webhook-uuid']);
  });

  it('a pipeline fires Pipeline Hooks created → running → success', async () => {
    const gl = await start();
    gl.addProjectHook('demo/java-demo', { url: rx.url, token: SECRET, events: ['pipeline'] });
    const res = await fetch(`${gl.url}/api/v4/projects/1/pipeline`, {
      method: 'POST', headers: { 'private-token': TOKEN, 'content-type': 'application/json' }, body: JSON.stringify({ ref: 'main' }),
    });
    const pl = (await res.json()) as { id: number };
    for (let i = 0; i < 200 && rx.got.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
    await gl.hooks.idle();
    expect(rx.got.map((g) => (g.body.object_attributes as { status: string }).status)).toEqual(['created', 'running', 'success']);
    const last = rx.got[2]!.body;
    expect(rx.got[2]!.headers['x-gitlab-event']).toBe('Pipeline Hook');
    expect(last).toMatchObject({ object_kind: 'pipeline', object_attributes: { id: pl.id, ref: 'main', stages: ['package', 'build', 'deploy'] } });
    expect((last.builds as unknown[]).length).toBe(3);
    gl.setPipelineStatus(1, pl.id, 'failed'); // finished pipelines stay finished
    await gl.hooks.idle();
    expect(rx.got).toHaveLength(3);
  });

  it('merging a merge request pushes the target and fires merge_request hooks, one Event-UUID per hook execution', async () => {
    const gl = await start();
    gl.push(1, { branch: 'ci-change', files: { '.gitlab-ci.yml': 'j:\n  image: alpine:3.20\n  script: [x]\n' }, message: 'ci' });
    gl.addSystemHook({ url: `${rx.url}/system`, token: SECRET, mergeRequestEvents: true });
    gl.addProjectHook(1, { url: `${rx.url}/project`, token: SECRET, events: ['merge_requests'] });
    const mr = gl.mergeRequest(1, { action: 'open', sourceBranch: 'ci-change', title: 'New CI' });
    await gl.hooks.idle();
    expect(rx.got.map((g) => [g.path, g.headers['x-gitlab-event'], (g.body.object_attributes as { action: string }).action]).sort()).toEqual([
      ['/project', 'Merge Request Hook', 'open'],
      ['/system', 'System Hook', 'open'],
    ]);
    rx.got.length = 0;
    expect(gl.mergeRequest(1, { action: 'merge', iid: mr.iid }).state).toBe('merged');
    await gl.hooks.idle();
    const kinds = rx.got.map((g) => `${g.headers['x-gitlab-event']}:${String(g.body.event_name ?? g.body.object_kind)}`).sort();
    expect(kinds).toEqual(['Merge Request Hook:merge_request', 'System Hook:merge_request', 'System Hook:push', 'System Hook:repository_update']);
    expect(new Set(rx.got.map((g) => g.headers['x-gitlab-event-uuid'])).size).toBe(4);
    const mrHook = rx.got.find((g) => g.headers['x-gitlab-event'] === 'Merge Request Hook')!.body;
    expect(mrHook).toMatchObject({ object_kind: 'merge_request', event_type: 'merge_request', object_attributes: { iid: mr.iid, action: 'merge', state: 'merged', target_branch: 'main', source_branch: 'ci-change' } });
    const push = rx.got.find((g) => g.body.event_name === 'push')!.body;
    expect((push.commits as Array<{ modified: string[] }>)[0]!.modified).toEqual(['.gitlab-ci.yml']);
    expect(gl.store.resolveRef(gl.store.findProject(1)!, 'main')!.files.get('.gitlab-ci.yml')).toContain('alpine:3.20');
  });

  it('a pipeline created by a hook-triggered API call recycles that call\'s X-Gitlab-Event-UUID on its hooks', async () => {
    const gl = await start();
    gl.addProjectHook('demo/java-demo', { url: rx.url, events: ['pipeline'] });
    const chain = '2b5a5b7e-2c4f-4a8e-9a0e-7d5e6f1a2b3c';
    await fetch(`${gl.url}/api/v4/projects/1/pipeline`, {
      method: 'POST', headers: { 'private-token': TOKEN, 'content-type': 'application/json', 'x-gitlab-event-uuid': chain }, body: JSON.stringify({ ref: 'main' }),
    });
    for (let i = 0; i < 200 && rx.got.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
    await gl.hooks.idle();
    expect(rx.got.map((g) => g.headers['x-gitlab-event-uuid'])).toEqual([chain, chain, chain]);
  });

  it("removes line breaks from the hook's secret token as GitLab does (remove_line_breaks)", async () => {
    const gl = await start();
    gl.addSystemHook({ url: `${rx.url}/crlf`, token: `${SECRET}\r\n` });
    gl.addSystemHook({ url: `${rx.url}/lf`, token: `${SECRET}\n`, repositoryUpdateEvents: false });
    gl.push(1, { branch: 'main', files: { 'a.txt': 'a' }, message: 'a' });
    await gl.hooks.idle();
    expect(rx.got.map((g) => g.headers['x-gitlab-token'])).toEqual([SECRET, SECRET, SECRET]);
    // A carriage return inside the value is no line break for GitLab: Net::HTTP refuses the header, nothing is sent.
    gl.addSystemHook({ url: `${rx.url}/cr`, token: `hook\rsecret`, repositoryUpdateEvents: false });
    rx.got.length = 0;
    gl.push(1, { branch: 'main', files: { 'b.txt': 'b' }, message: 'b' });
    await gl.hooks.idle();
    const cr = gl.deliveries().filter((d) => d.url.endsWith('/cr'));
    expect(cr.map((d) => [d.ok, d.attempts[0]!.error])).toEqual([[false, 'header X-Gitlab-Token cannot include CR/LF']]);
    expect(rx.got.some((g) => g.path === '/cr')).toBe(false);
  });
});
