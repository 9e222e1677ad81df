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
});
