import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededGitlabOptions, startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { createGitlabPort, evaluateTokenCapabilities } from '#shared/gitlab/api/index';

/**
 * The emulator's permission model, token by token, on every route the product calls — the answers GitLab gives
 * (lib/api/api.rb scopes, lib/api/api_guard.rb 403 body, ProjectPolicy/GroupPolicy roles).
 */
const SANDBOX = 'glpat-sandbox-minimum';
let gl: GitlabEmulator;
const tok: Record<string, string> = {};

beforeAll(async () => {
  gl = await startGitlabEmulator({
    ...seededGitlabOptions(SANDBOX),
    tokens: [
      { token: 'glpat-admin', admin: true, scopes: ['api'] },
      { token: 'glpat-revoked', scopes: ['api'], memberships: { platform: 'owner' }, revoked: true },
      { token: 'glpat-expired', scopes: ['api'], memberships: { platform: 'owner' }, expiresAt: '2020-01-01' },
      { token: 'glpat-project-dev', kind: 'project', scopes: ['api'], memberships: { 'platform/api-service': 'developer' } },
      { token: 'glpat-group-owner', kind: 'group', scopes: ['read_api'], memberships: { platform: 'owner' } },
    ],
  });
  for (const role of ['guest', 'reporter', 'developer', 'maintainer'] as const) tok[role] = gl.mintToken({ scopes: ['api'], memberships: { platform: role, demo: role } });
  tok.readApi = gl.mintToken({ scopes: ['read_api'], memberships: { platform: 'maintainer' } });
  tok.readRepo = gl.mintToken({ scopes: ['read_repository'], memberships: { platform: 'maintainer' } });
  tok.outsider = gl.mintToken({ scopes: ['read_api'], memberships: { data: 'developer' } });
});
afterAll(() => gl.close());

const call = (token: string, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${gl.url}/api/v4/${path}`, { ...init, headers: { 'PRIVATE-TOKEN': token, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
const post = (token: string, path: string, body: unknown): Promise<Response> => call(token, path, { method: 'POST', body: JSON.stringify(body) });
const status = async (p: Promise<Response>): Promise<number> => (await p).status;

describe('scopes (lib/api/api.rb allow_access_with_scope)', () => {
  it('read_api may GET but not POST: 403 with the insufficient_scope body GitLab sends', async () => {
    expect(await status(call(tok.readApi!, 'projects/platform%2Fweb-app'))).toBe(200);
    const lint = await post(tok.readApi!, 'projects/3/ci/lint', { content: 'a:\n  script: [x]\n' });
    expect(lint.status).toBe(403);
    expect(lint.headers.get('www-authenticate')).toBeNull();
    expect(await lint.json()).toEqual({ error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'api read_api' });
    expect(await status(post(tok.readApi!, 'projects/3/pipeline', { ref: 'main' }))).toBe(403);
  });

  it('read_repository reads files (API::Files adds it) but nothing else', async () => {
    expect(await status(call(tok.readRepo!, 'projects/3/repository/files/.gitlab-ci.yml/raw?ref=main'))).toBe(200);
    const list = await call(tok.readRepo!, 'projects');
    expect(list.status).toBe(403);
    expect(await list.json()).toMatchObject({ error: 'insufficient_scope', scope: 'api read_api' });
    expect(await (await call(tok.readRepo!, 'user')).json()).toMatchObject({ scope: 'read_user api read_api' });
    // Every scope may read its own token (lib/api/personal_access_tokens/self_information.rb).
    expect(await (await call(tok.readRepo!, 'personal_access_tokens/self')).json()).toMatchObject({ scopes: ['read_repository'], active: true });
  });

  it('revoked and expired tokens get the OAuth invalid_token answers, unknown ones 401 Unauthorized', async () => {
    const revoked = await call('glpat-revoked', 'projects');
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toEqual({ error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' });
    expect(await (await call('glpat-expired', 'projects')).json()).toMatchObject({ error: 'invalid_token', error_description: expect.stringContaining('expired') });
    expect(await (await call('glpat-nope', 'projects')).json()).toEqual({ message: '401 Unauthorized' });
  });
});

describe('roles (ProjectPolicy / GroupPolicy)', () => {
  it('project variables need Maintainer; group variables need Owner', async () => {
    for (const [role, want] of [['guest', 403], ['reporter', 403], ['developer', 403], ['maintainer', 200]] as const) {
      const r = await call(tok[role]!, 'projects/platform%2Fapi-service/variables');
      expect([role, r.status]).toEqual([role, want]);
      if (want === 403) expect(await r.json()).toEqual({ message: '403 Forbidden' });
    }
    expect(await status(call(tok.maintainer!, 'groups/platform/variables'))).toBe(403);
    expect(await status(call(SANDBOX, 'groups/platform/variables'))).toBe(200); // the sandbox token is Owner there
    expect(await status(call('glpat-group-owner', 'groups/platform/variables'))).toBe(200);
  });

  it('files need Reporter on a private project; a Guest sees the project but not its code', async () => {
    expect(await status(call(tok.guest!, 'projects/platform%2Fweb-app'))).toBe(200);
    expect(await status(call(tok.guest!, 'projects/3/repository/files/.gitlab-ci.yml/raw?ref=main'))).toBe(403);
    expect(await status(call(tok.reporter!, 'projects/3/repository/files/.gitlab-ci.yml/raw?ref=main'))).toBe(200);
  });

  it('lint: GET needs Reporter, POST Developer; pipelines need Developer', async () => {
    expect(await status(call(tok.reporter!, 'projects/3/ci/lint'))).toBe(200);
    expect(await status(post(tok.reporter!, 'projects/3/ci/lint', { content: 'a:\n  script: [x]\n' }))).toBe(403);
    expect(await status(post(tok.developer!, 'projects/3/ci/lint', { content: 'a:\n  script: [x]\n' }))).toBe(200);
    expect(await status(post(tok.reporter!, 'projects/1/pipeline', { ref: 'main' }))).toBe(403);
    expect(await status(post(tok.developer!, 'projects/1/pipeline', { ref: 'main' }))).toBe(201);
  });

  it('a project access token acts only on its project', async () => {
    expect(await status(call('glpat-project-dev', 'projects/platform%2Fapi-service/repository/files/.gitlab-ci.yml/raw?ref=main'))).toBe(200);
    expect(await status(call('glpat-project-dev', 'projects/platform%2Fweb-app'))).toBe(404);
    expect(await (await call('glpat-project-dev', 'user')).json()).toMatchObject({ bot: true });
  });

  it('system hooks are admin-only; project hooks need Maintainer', async () => {
    gl.addSystemHook({ url: 'http://127.0.0.1:9/x', token: 's' });
    gl.addProjectHook('ops/infra', { url: 'http://127.0.0.1:9/y', events: ['pipeline'] });
    expect(await status(call(SANDBOX, 'hooks'))).toBe(403);
    expect(await (await call('glpat-admin', 'hooks')).json()).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:9/x', push_events: true, repository_update_events: true })]);
    expect(await status(call(tok.developer!, 'projects/platform%2Fweb-app/hooks'))).toBe(403);
    expect(await status(call(tok.maintainer!, 'projects/platform%2Fweb-app/hooks'))).toBe(200);
    expect(await (await call(SANDBOX, 'projects/ops%2Finfra/hooks')).json()).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:9/y', pipeline_events: true })]);
  });
});

describe('visibility and membership', () => {
  it("a non-admin's /projects lists its own projects plus internal/public ones it is not a member of", async () => {
    const paths = ((await (await call(tok.outsider!, 'projects?per_page=100')).json()) as Array<{ path_with_namespace: string; permissions: unknown }>);
    expect(paths.map((p) => p.path_with_namespace).sort()).toEqual(['components/go', 'data/etl-jobs', 'platform/ci-templates']);
    expect(paths.find((p) => p.path_with_namespace === 'platform/ci-templates')!.permissions).toEqual({ project_access: null, group_access: null });
    // Files of the internal project are readable to any signed-in user; its variables are not.
    expect(await status(call(tok.outsider!, 'projects/platform%2Fci-templates/repository/files/templates%2Fandroid.yml/raw?ref=main'))).toBe(200);
    expect(await status(call(tok.outsider!, 'projects/platform%2Fci-templates/variables'))).toBe(403);
    expect(await status(call(tok.outsider!, 'projects/platform%2Fweb-app'))).toBe(404); // private and not a member
  });

  it('an admin lists every project; permissions show the caller\'s group access', async () => {
    expect(((await (await call('glpat-admin', 'projects?per_page=100')).json()) as unknown[]).length).toBe(gl.store.projects.length);
    expect(await (await call(tok.developer!, 'projects/platform%2Fweb-app')).json()).toMatchObject({ permissions: { project_access: null, group_access: { access_level: 30 } } });
  });
});

describe('repository tree and releases (lib/api/repositories.rb, lib/api/releases.rb)', () => {
  it('the tree needs :read_code (Reporter on a private project); the release list :read_release (Guest); one release both', async () => {
    expect(await status(call(tok.guest!, 'projects/platform%2Fgo-service/repository/tree?recursive=true'))).toBe(403);
    expect(await status(call(tok.reporter!, 'projects/platform%2Fgo-service/repository/tree?recursive=true'))).toBe(200);
    expect(await status(call(tok.guest!, 'projects/platform%2Fgo-service/releases'))).toBe(200);
    // authorize_read_code! runs before the release is looked up: a Guest gets 403 even for a tag without a release.
    expect(await status(call(tok.guest!, 'projects/platform%2Fgo-service/releases/1.0.0'))).toBe(403);
    expect(await status(call(tok.reporter!, 'projects/platform%2Fgo-service/releases/1.0.0'))).toBe(404);
    expect(await status(call(tok.outsider!, 'projects/platform%2Fgo-service/repository/tree'))).toBe(404); // private, not a member
    expect(await status(call(tok.outsider!, 'projects/platform%2Fgo-service/releases'))).toBe(404);
  });

  it('the internal component project serves its tree and releases to any signed-in user, read_api included', async () => {
    const releases = (await (await call(tok.outsider!, 'projects/components%2Fgo/releases')).json()) as Array<{ tag_name: string }>;
    expect(releases.map((r) => r.tag_name)).toEqual(['2.0.0-rc1', '1.1.0', '1.0.0']);
    expect(await status(call(tok.outsider!, 'projects/components%2Fgo/releases/1.0.0'))).toBe(200);
    expect(await status(call(tok.outsider!, 'projects/components%2Fgo/repository/tree?recursive=true&ref=1.0.0'))).toBe(200);
    expect(await status(call(tok.readRepo!, 'projects/components%2Fgo/releases'))).toBe(403); // read_repository is for files only
  });
});

describe('evaluateTokenCapabilities (scopes, admin, role on the infra project)', () => {
  const caps = (token: string) => evaluateTokenCapabilities(createGitlabPort({ url: gl.url, token, baseBackoffMs: 1 }), { infraProject: 'ops/infra', projects: ['platform/api-service'] });

  it('the sandbox token holds the documented minimum: every capability ok', async () => {
    const c = await caps(SANDBOX);
    expect(c.facts).toMatchObject({ scopes: ['api'], admin: false, roles: { 'ops/infra': 40, 'platform/api-service': 50 } });
    expect(Object.values(c.capabilities).map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('read_api: discovery and variables ok; lint, remediation and commit statuses missing with the reason', async () => {
    const c = (await caps(gl.mintToken({ scopes: ['read_api'], memberships: { ops: 'maintainer', platform: 'maintainer' } }))).capabilities;
    expect([c.discovery.status, c.variables.status, c.lint.status, c.remediation.status, c.commitStatuses.status]).toEqual(['ok', 'ok', 'missing', 'missing', 'missing']);
    expect(c.remediation.why).toContain('token lacks the api scope');
  });

  it('Developer: no variables (names the project), remediation ok with the pipeline-variables caveat', async () => {
    const c = (await caps(tok.developer!)).capabilities;
    expect(c.variables).toMatchObject({ status: 'missing', why: expect.stringContaining('token lacks Maintainer on project platform/api-service (has Developer)') });
    expect(c.remediation.status).toBe('missing'); // not a member of ops at all
    const infraDev = (await caps(gl.mintToken({ scopes: ['api'], memberships: { ops: 'developer' } }))).capabilities.remediation;
    expect(infraDev).toMatchObject({ status: 'ok', why: expect.stringContaining('restricts pipeline variables') });
  });

  it('an admin: everything ok; a revoked token: problems named, nothing claimed', async () => {
    expect((await caps('glpat-admin')).facts.admin).toBe(true);
    const r = await caps('glpat-revoked');
    expect(r.problems[0]).toContain('Token was revoked');
    expect(Object.values(r.capabilities).map((x) => x.status)).toEqual(['missing', 'missing', 'missing', 'missing', 'missing']);
    expect(r.capabilities.lint.why).toContain('GitLab rejects the token: invalid_token: Token was revoked');
  });
});
