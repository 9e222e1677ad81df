import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { listen, readBody, type Listening } from '#local/sandbox/http-util';

/**
 * The emulator's commit statuses as GitLab answers them (lib/api/commit_statuses.rb, app/services/ci/
 * create_commit_status_service.rb, app/models/commit_status.rb): states and transitions, name/context, 255-character
 * fields, Developer to write and Reporter to read, 409 while another update of the commit holds its lock, and the
 * pipeline the status joins (its Pipeline Hook fires as its composite status changes).
 */
const ADMIN = 'glpat-status-admin';
let gl: GitlabEmulator;
let hookSink: Listening;
const pipelineHooks: Array<{ id: number; status: string; source: string; sha: string }> = [];
const tok: Record<string, string> = {};
let sha: string;

beforeAll(async () => {
  hookSink = await listen(async (req, res) => {
    const b = JSON.parse((await readBody(req)).toString('utf8')) as { object_attributes: { id: number; status: string; source: string; sha: string } };
    pipelineHooks.push({ id: b.object_attributes.id, status: b.object_attributes.status, source: b.object_attributes.source, sha: b.object_attributes.sha });
    res.writeHead(200).end();
  }, 0);
  gl = await startGitlabEmulator({
    token: ADMIN, pipelineStepMs: 1, statusLockWaitMs: 100,
    projects: [{ path: 'team/app', files: { '.gitlab-ci.yml': 'build:\n  script: [make]\n' }, tags: { v1: { 'a.txt': 'x' } } }],
  });
  for (const role of ['guest', 'reporter', 'developer'] as const) tok[role] = gl.mintToken({ scopes: ['api'], memberships: { team: role } });
  tok.readApi = gl.mintToken({ scopes: ['read_api'], memberships: { team: 'maintainer' } });
  gl.addProjectHook('team/app', { url: hookSink.url, events: ['pipeline'] });
  sha = gl.push('team/app', { branch: 'main', files: { 'README.md': 'hi' }, message: 'readme' });
});
afterAll(async () => {
  await gl.close();
  await hookSink.close();
});

const call = (token: string, path: string, body?: unknown): Promise<Response> =>
  fetch(`${gl.url}/api/v4/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'PRIVATE-TOKEN': token, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const postStatus = (body: unknown, token = tok.developer!, at = sha) => call(token, `projects/team%2Fapp/statuses/${at}`, body);
const statuses = async (q = '', token = tok.developer!) => (await (await call(token, `projects/1/repository/commits/${sha}/statuses${q}`)).json()) as Array<Record<string, unknown>>;

describe('POST /projects/:id/statuses/:sha', () => {
  it('running → success updates one status (201 each, the entity GitLab renders); the name defaults from context', async () => {
    const r1 = await postStatus({ state: 'running', context: 'ci/one', description: 'warming', ref: 'main' });
    expect(r1.status).toBe(201);
    const s1 = (await r1.json()) as Record<string, unknown>;
    expect(s1).toMatchObject({ sha, ref: 'main', status: 'running', name: 'ci/one', description: 'warming', target_url: null, allow_failure: false, coverage: null, started_at: expect.any(String), finished_at: null, pipeline_id: expect.any(Number), author: { username: expect.any(String) } });
    const s2 = (await (await postStatus({ state: 'success', context: 'ci/one', description: '12 images in 2 caches, Ready', ref: 'main' })).json()) as Record<string, unknown>;
    expect(s2).toMatchObject({ id: s1.id, status: 'success', description: '12 images in 2 caches, Ready', finished_at: expect.any(String) });
    expect((await statuses('?name=ci/one')).map((s) => s.status)).toEqual(['success']);
    expect(((await (await postStatus({ state: 'pending' })).json()) as { name: string }).name).toBe('default');
  });

  it('a new run after a finished one is a new status; the older one is retried (only `all=true` lists it)', async () => {
    await postStatus({ state: 'running', name: 'ci/two' });
    await postStatus({ state: 'failed', name: 'ci/two', description: '.gitlab-ci.yml:3: bad' });
    await postStatus({ state: 'running', name: 'ci/two' });
    expect((await statuses('?name=ci/two')).map((s) => s.status)).toEqual(['running']);
    expect((await statuses('?name=ci/two&all=true')).map((s) => s.status)).toEqual(['failed', 'running']);
    expect((await statuses('?name=ci/two&all=true&sort=desc')).map((s) => s.status)).toEqual(['running', 'failed']);
  });

  it('a transition the state machine does not have is a 400 in its words', async () => {
    await postStatus({ state: 'running', name: 'ci/three' });
    const again = await postStatus({ state: 'running', name: 'ci/three' });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ message: 'Cannot transition status via :run from :running (Reason(s): Status cannot transition via "run")' });
    expect(await (await postStatus({ state: 'pending', name: 'ci/three' })).json()).toEqual({ message: 'Cannot transition status via :enqueue from :running (Reason(s): Status cannot transition via "enqueue")' });
    expect((await postStatus({ state: 'skipped', name: 'ci/three' })).status).toBe(400);
    expect((await postStatus({ state: 'canceled', name: 'ci/three' })).status).toBe(201);
  });

  it('ref, target_url and description over 255 characters are validation errors; bad parameters are Grape 400s', async () => {
    const long = await postStatus({ state: 'success', name: 'ci/four', description: 'd'.repeat(256), target_url: `https://x/${'u'.repeat(250)}` });
    expect(long.status).toBe(400);
    expect(await long.json()).toEqual({ message: { target_url: ['is too long (maximum is 255 characters)'], description: ['is too long (maximum is 255 characters)'] } });
    expect((await postStatus({ state: 'success', name: 'ci/four', description: 'd'.repeat(255) })).status).toBe(201);
    expect(await (await postStatus({ name: 'x' })).json()).toEqual({ error: 'state is missing' });
    expect(await (await postStatus({ state: 'done' })).json()).toEqual({ error: 'state does not have a valid value' });
    expect((await postStatus({ state: 'success', pipeline_id: 'x' })).status).toBe(400);
  });

  it('an unknown commit is 404; a commit on no branch without ref is 404 "References for commit"', async () => {
    expect(await (await postStatus({ state: 'success' }, tok.developer!, 'f'.repeat(40))).json()).toEqual({ message: '404 Commit Not Found' });
    const tagged = gl.store.findProject('team/app')!.tags.get('v1')!;
    expect(await (await postStatus({ state: 'success' }, tok.developer!, tagged)).json()).toEqual({ message: '404 References for commit Not Found' });
    expect((await postStatus({ state: 'success', ref: 'v1' }, tok.developer!, tagged)).status).toBe(201);
  });

  it('writing needs the api scope and Developer; reading Reporter (ProjectPolicy)', async () => {
    const scoped = await postStatus({ state: 'success', name: 'ci/five' }, tok.readApi!);
    expect(scoped.status).toBe(403);
    expect(await scoped.json()).toMatchObject({ error: 'insufficient_scope', scope: 'api read_api' });
    expect(await (await postStatus({ state: 'success', name: 'ci/five' }, tok.reporter!)).json()).toEqual({ message: '403 Forbidden' });
    expect((await statuses('', tok.reporter!)).length).toBeGreaterThan(0);
    expect((await call(tok.guest!, `projects/1/repository/commits/${sha}/statuses`)).status).toBe(403);
    expect((await call(tok.readApi!, `projects/1/repository/commits/${sha}/statuses`)).status).toBe(200);
  });

  it('while another update of the commit holds its lock: 409 "Another update to this commit status is in progress"', async () => {
    const release = gl.statuses.hold(1, sha);
    const busy = await postStatus({ state: 'running', name: 'ci/six' });
    expect(busy.status).toBe(409);
    expect(await busy.json()).toEqual({ message: 'Another update to this commit status is in progress' });
    release();
    expect((await postStatus({ state: 'running', name: 'ci/six' })).status).toBe(201);
  });
});

describe('the pipeline a status joins', () => {
  it('no pipeline for the commit: an external one is created; its hook fires as the status moves', async () => {
    const c = gl.push('team/app', { branch: 'main', files: { 'b.txt': 'b' }, message: 'b' });
    pipelineHooks.length = 0;
    const s = (await (await postStatus({ state: 'running', name: 'ext' }, tok.developer!, c)).json()) as { pipeline_id: number };
    await postStatus({ state: 'success', name: 'ext' }, tok.developer!, c);
    await gl.hooks.idle();
    expect(pipelineHooks.map((h) => [h.id, h.source, h.status])).toEqual([[s.pipeline_id, 'external', 'created'], [s.pipeline_id, 'external', 'running'], [s.pipeline_id, 'external', 'success']]);
  });

  it("a finished pipeline of the commit is reopened by a new status and finishes with the status's result", async () => {
    const c = gl.push('team/app', { branch: 'main', files: { 'c.txt': 'c' }, message: 'c' });
    const pl = (await (await call(ADMIN, 'projects/1/pipeline', { ref: 'main' })).json()) as { id: number; sha: string };
    expect(pl.sha).toBe(c);
    for (let i = 0; i < 100 && (await (await call(ADMIN, `projects/1/pipelines/${pl.id}`)).json() as { status: string }).status !== 'success'; i++) await new Promise((r) => setTimeout(r, 5));
    await gl.hooks.idle();
    pipelineHooks.length = 0;
    const s = (await (await postStatus({ state: 'running', name: 'ext' }, tok.developer!, c)).json()) as { pipeline_id: number };
    expect(s.pipeline_id).toBe(pl.id);
    await postStatus({ state: 'failed', name: 'ext', description: 'no' }, tok.developer!, c);
    await gl.hooks.idle();
    expect(pipelineHooks.map((h) => h.status)).toEqual(['running', 'failed']);
    expect(((await (await call(ADMIN, `projects/1/pipelines/${pl.id}`)).json()) as { status: string }).status).toBe('failed');
  });
});
