import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import type { Listening } from '#local/sandbox/http-util';
import { startGitlabAdmin } from './gitlab-admin';

describe('sandbox GitLab admin endpoint', () => {
  let gl: GitlabEmulator;
  let admin: Listening;
  const post = (body: string) => fetch(`${admin.url}/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  beforeAll(async () => {
    gl = await startGitlabEmulator({
      token: 't',
      projects: [
        { path: 'demo/java-demo', files: { '.gitlab-ci.yml': 'build:\n  image: alpine:3\n  script: [true]' } },
        { path: 'a/tools', files: { 'x': '1' } },
        { path: 'b/tools', files: { 'x': '1' } },
      ],
    });
    gl.addSystemHook({ url: 'http://127.0.0.1:9/unreachable', token: 'hook-secret' });
    admin = await startGitlabAdmin(gl);
  });
  afterAll(async () => {
    await admin?.close();
    await gl?.close();
  });

  it('without files, appends a comment to the CI config of the project found by its bare name', async () => {
    const res = await post(JSON.stringify({ project: 'java-demo' }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { project: string; branch: string; files: string[]; commit: string };
    expect(body).toMatchObject({ project: 'demo/java-demo', branch: 'main', files: ['.gitlab-ci.yml'] });
    const p = gl.store.findProject('demo/java-demo')!;
    const ci = p.commits.get(body.commit)!.files.get('.gitlab-ci.yml')!;
    expect(ci).toMatch(/^build:\n {2}image: alpine:3\n {2}script: \[true\]\n# sandbox push \S+\n$/);
  });

  it('commits explicit files on a branch', async () => {
    const res = await post(JSON.stringify({ project: 'a/tools', branch: 'feature', files: { 'y': '2', 'x': null } }));
    expect(res.status).toBe(201);
    const p = gl.store.findProject('a/tools')!;
    expect([...gl.store.resolveRef(p, 'feature')!.files.keys()]).toEqual(['y']);
  });

  it('refuses an ambiguous or unknown name (404) and a malformed body (400)', async () => {
    expect((await post(JSON.stringify({ project: 'tools' }))).status).toBe(404);
    expect((await post(JSON.stringify({ project: 'nope/nope' }))).status).toBe(404);
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ project: 'java-demo', files: 'x' }))).status).toBe(400);
  });

  it('lists deliveries without the X-Gitlab-Token header', async () => {
    await gl.hooks.idle();
    const res = await fetch(`${admin.url}/deliveries`);
    const { deliveries } = (await res.json()) as { deliveries: Array<{ headers: Record<string, string>; ok: boolean }> };
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => !Object.keys(d.headers).some((k) => k.toLowerCase() === 'x-gitlab-token'))).toBe(true);
    expect(JSON.stringify(deliveries)).not.toContain('hook-secret');
  });

  it('mints tokens with the asked scopes and role, refusing bad input without minting', async () => {
    const mint = (body: unknown) => fetch(`${admin.url}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const res = await mint({ scopes: ['read_api'], role: 'reporter' });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    expect(token).toMatch(/^glpat-[0-9a-f]{20}$/);
    const get = (path: string, init: RequestInit = {}) => fetch(`${gl.url}/api/v4/${path}`, { ...init, headers: { 'PRIVATE-TOKEN': token, 'content-type': 'application/json' } });
    expect((await get('projects/demo%2Fjava-demo/repository/files/.gitlab-ci.yml/raw?ref=main')).status).toBe(200); // Reporter reads code
    expect((await get('projects/demo%2Fjava-demo/variables')).status).toBe(403); // …but not variables
    expect((await get('projects/1/pipeline', { method: 'POST', body: '{"ref":"main"}' })).status).toBe(403); // read_api: no POST
    expect(await (await get('personal_access_tokens/self')).json()).toMatchObject({ scopes: ['read_api'], active: true });
    const adminToken = ((await (await mint({ scopes: ['api'], admin: true })).json()) as { token: string }).token;
    expect(await (await fetch(`${gl.url}/api/v4/user`, { headers: { 'PRIVATE-TOKEN': adminToken } })).json()).toMatchObject({ is_admin: true });
    for (const bad of [{}, { scopes: [] }, { scopes: ['api; drop'] }, { scopes: ['api'], role: 'boss' }]) expect((await mint(bad)).status).toBe(400);
  });
});
