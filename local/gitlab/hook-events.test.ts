import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '#local/sandbox/http-util';
import { startGitlabEmulator, type GitlabEmulator, type HookConfig } from './index';

/**
 * The hook sender's WebHookLog rows and `GET /projects/:id/hooks/:hook_id/events` (doc/api/project_webhooks.md):
 * fields, the redacted token, `internal error`, the status filter, paging, the 7-day window, and no route before 17.3.
 */
const TOKEN = 'glpat-hook-events';
let gl: GitlabEmulator;
let receiver: Awaited<ReturnType<typeof listen>>;
let answers: number[] = [];
let hook: HookConfig;
let system: HookConfig;

const get = async (path: string, token = TOKEN) => {
  const res = await fetch(`${gl.url}/api/v4${path}`, { headers: { 'PRIVATE-TOKEN': token } });
  return { status: res.status, body: (await res.json()) as Array<Record<string, unknown>> & Record<string, unknown>, headers: res.headers };
};
const fire = async (h: HookConfig, kind = 'pipeline') => {
  await gl.hooks.deliver({ hook: h, event: h.kind === 'system' ? 'System Hook' : 'Pipeline Hook', payload: { object_kind: kind } });
};

beforeAll(async () => {
  gl = await startGitlabEmulator({ token: TOKEN, projects: [{ path: 'ops/infra', files: { a: '1' } }] });
  receiver = await listen((_req, res) => void res.writeHead(answers.shift() ?? 202, { 'x-receiver': 'yes' }).end('{"ok":1}'));
  hook = gl.addProjectHook('ops/infra', { url: `${receiver.url}/hook`, token: 's3cr3t', events: ['pipeline'] });
  system = gl.addSystemHook({ url: `${receiver.url}/hook`, token: 's3cr3t' });
  answers = [202, 401, 503];
  for (let i = 0; i < 3; i++) await fire(hook);
  await fire({ ...hook, url: 'http://127.0.0.1:1/refused' }); // nothing listens on port 1: no answer at all
  await fire(system, 'push');
});
afterAll(async () => {
  await Promise.all([gl?.close(), receiver?.close()]);
});

describe('GET /projects/:id/hooks/:hook_id/events', () => {
  it('newest first, GitLab\'s fields, the token redacted, `internal error` when nothing answered', async () => {
    const r = await get(`/projects/ops%2Finfra/hooks/${hook.id}/events`);
    expect(r.status).toBe(200);
    expect(r.body.map((e) => e.response_status)).toEqual(['internal error', '503', '401', '202']);
    expect(Object.keys(r.body[3]!).sort()).toEqual(['created_at', 'execution_duration', 'id', 'request_data', 'request_headers', 'response_body', 'response_headers', 'response_status', 'trigger', 'url']);
    expect(r.body[3]).toMatchObject({ trigger: 'pipeline_hooks', url: `${receiver.url}/hook`, request_data: { object_kind: 'pipeline' }, response_body: '{"ok":1}', response_headers: { 'x-receiver': 'yes' } });
    expect((r.body[3]!.request_headers as Record<string, string>)['X-Gitlab-Token']).toBe('[REDACTED]');
    expect(JSON.stringify(r.body)).not.toContain('s3cr3t');
    expect(r.body[0]).toMatchObject({ url: 'http://127.0.0.1:1/refused', response_headers: {} });
    expect(r.headers.get('x-total')).toBe('4');
    // The system hook's attempt is logged too, but not served here (another hook, and no API for system hooks).
    expect(gl.hookLogs(system.id).map((l) => [l.trigger, l.response_status])).toEqual([['push_hooks', '202']]);
    expect((await get(`/hooks/${system.id}/events`)).status).toBe(404);
  });

  it('status filters: a code, the categories (server_failure includes internal error), a comma list; bad values → 400', async () => {
    const statuses = async (q: string) => (await get(`/projects/ops%2Finfra/hooks/${hook.id}/events?status=${q}`)).body.map((e) => e.response_status);
    expect(await statuses('401')).toEqual(['401']);
    expect(await statuses('successful')).toEqual(['202']);
    expect(await statuses('client_failure')).toEqual(['401']);
    expect(await statuses('server_failure')).toEqual(['internal error', '503']);
    expect(await statuses('client_failure,server_failure')).toEqual(['internal error', '503', '401']);
    expect(await get(`/projects/ops%2Finfra/hooks/${hook.id}/events?status=broken`)).toMatchObject({ status: 400, body: { error: 'status does not have a valid value' } });
    expect(await get(`/projects/ops%2Finfra/hooks/${hook.id}/events?per_page=100`)).toMatchObject({ status: 400, body: { error: 'per_page does not have a valid value' } });
  });

  it('pages with per_page ≤ 20 and x-next-page; rows older than the 7-day window are gone', async () => {
    const p1 = await get(`/projects/ops%2Finfra/hooks/${hook.id}/events?per_page=3`);
    expect([p1.body.length, p1.headers.get('x-next-page')]).toEqual([3, '2']);
    const p2 = await get(`/projects/ops%2Finfra/hooks/${hook.id}/events?per_page=3&page=2`);
    expect(p2.body.map((e) => e.response_status)).toEqual(['202']);
    const oldest = gl.hookLogs(hook.id)[0]!;
    const saved = oldest.created_at;
    try {
      oldest.created_at = new Date(Date.now() - 9 * 86_400_000).toISOString();
      expect((await get(`/projects/ops%2Finfra/hooks/${hook.id}/events`)).body.map((e) => e.response_status)).toEqual(['internal error', '503', '401']);
    } finally {
      oldest.created_at = saved;
    }
  });

  it('a hook of another project or none → 404; a Developer → 403', async () => {
    expect((await get(`/projects/ops%2Finfra/hooks/${system.id}/events`)).status).toBe(404);
    expect((await get('/projects/ops%2Finfra/hooks/999/events')).status).toBe(404);
    const dev = gl.mintToken({ scopes: ['api'], memberships: { ops: 'developer' } });
    expect((await get(`/projects/ops%2Finfra/hooks/${hook.id}/events`, dev)).status).toBe(403);
  });

  it('GitLab before 17.3 has no such route: Grape\'s catch-all 404', async () => {
    const old = await startGitlabEmulator({ token: TOKEN, version: '17.2.8-ee', projects: [{ path: 'ops/infra', files: { a: '1' } }] });
    try {
      const h = old.addProjectHook('ops/infra', { url: `${receiver.url}/hook`, events: ['pipeline'] });
      const res = await fetch(`${old.url}/api/v4/projects/ops%2Finfra/hooks/${h.id}/events`, { headers: { 'PRIVATE-TOKEN': TOKEN } });
      expect([res.status, await res.json()]).toEqual([404, { error: '404 Not Found' }]);
    } finally {
      await old.close();
    }
  });
});
