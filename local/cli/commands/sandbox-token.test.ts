import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import type { Listening } from '#local/sandbox/http-util';
import { startGitlabAdmin } from '#local/sandbox/parts/gitlab-admin';
import { main } from '../main';
import { tokenRequest } from './sandbox-token';

const dir = mkdtempSync(join(tmpdir(), 'sandbox-token-'));
let gl: GitlabEmulator;
let admin: Listening;

beforeAll(async () => {
  gl = await startGitlabEmulator({ token: 't', projects: [{ path: 'demo/app', files: { '.gitlab-ci.yml': 'b:\n  script: [x]\n' } }] });
  admin = await startGitlabAdmin(gl);
  // A running sandbox as the CLI sees one: an env file, and an index URL that answers (no pid recorded).
  writeFileSync(join(dir, 'env'), `GITLAB_URL=${gl.url}\n`);
  writeFileSync(join(dir, 'sandbox.json'), JSON.stringify({ urls: { gitlab: gl.url, 'gitlab-admin': admin.url, index: admin.url } }));
});
afterAll(async () => {
  await admin.close();
  await gl.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = async (args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['sandbox', 'token', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => '', env: { SANDBOX_DIR: dir }, cwd: dir });
  return { code, out, err };
};

describe('sandbox token', () => {
  it('parses scopes, role and admin; refuses what it does not know', () => {
    expect(tokenRequest(['read_api,read_repository'], 'Developer', false)).toEqual({ scopes: ['read_api', 'read_repository'], role: 'developer', admin: false });
    expect(tokenRequest(['api'], undefined, true)).toMatchObject({ admin: true });
    expect(() => tokenRequest([], 'developer', false)).toThrow(/--scopes is required/);
    expect(() => tokenRequest(['api'], 'boss', false)).toThrow(/--role must be one of/);
  });

  it('prints only the token on stdout, and the token works with the rights asked for', async () => {
    const r = await run(['--scopes', 'read_api', '--role', 'developer']);
    expect(r.code).toBe(0);
    expect(r.err.join('\n')).toMatch(/^target: sandbox/); // the target line only, on stderr
    expect(r.out).toHaveLength(1);
    const token = r.out[0]!;
    expect(token).toMatch(/^glpat-\w+$/);
    const me = (await (await fetch(`${gl.url}/api/v4/projects/demo%2Fapp`, { headers: { 'PRIVATE-TOKEN': token } })).json()) as { permissions: unknown };
    expect(me.permissions).toEqual({ project_access: null, group_access: { access_level: 30, notification_level: 3 } });
  });

  it('a bad role or missing scopes is a usage error (exit 2, nothing minted, nothing on stdout)', async () => {
    const bad = await run(['--scopes', 'api', '--role', 'boss']);
    expect([bad.code, bad.out]).toEqual([2, []]);
    expect(bad.err.join('\n')).toContain('role must be one of');
    expect((await run([])).code).toBe(2);
  });
});
