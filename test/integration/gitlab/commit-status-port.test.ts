import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { commitStatusReporter, createGitlabPort } from '#shared/gitlab/api/index';
import { clearRegisteredSecrets, memoryLogger, registerSecret } from '#shared/log/index';
import type { Clock } from '#shared/runtime/clock';

/** The port's setCommitStatus / branchHead and the run's status reporter against the emulator's rules. */
const TOKEN = 'glpat-status-port';
let gl: GitlabEmulator;
let sha: string;
const clock: Clock = { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 30))) };
const port = (token = TOKEN) => createGitlabPort({ url: gl.url, token, baseBackoffMs: 1 });

beforeAll(async () => {
  gl = await startGitlabEmulator({ token: TOKEN, statusLockWaitMs: 50, projects: [{ path: 'team/app', files: { '.gitlab-ci.yml': 'a:\n  script: [x]\n' } }] });
  sha = gl.push('team/app', { branch: 'main', files: { 'x.txt': '1' }, message: 'x' });
});
afterAll(() => gl.close());

describe('GitlabPort.setCommitStatus / branchHead', () => {
  it('sets a status (name, ref, description cut to 255) and reads a branch head', async () => {
    expect(await port().branchHead!('team/app', 'main')).toBe(sha);
    expect(await port().branchHead!('team/app', 'nope')).toBeUndefined();
    const s = await port().setCommitStatus('team/app', sha, { state: 'running', name: 'gitlab-ask-ops/prewarm', ref: 'main', description: 'x'.repeat(400) });
    expect(s).toMatchObject({ sha, ref: 'main', status: 'running', name: 'gitlab-ask-ops/prewarm', pipelineId: expect.any(Number) });
    expect(s.description).toHaveLength(255);
  });
});

describe('commitStatusReporter', () => {
  const target = (name: string) => ({ project: 'team/app', sha, name, ref: 'main', path: 'team/app' });

  it('posts running → success; a repeated running (answer lost, state reached) counts as set', async () => {
    const r = commitStatusReporter(port(), target('ctx/a'), { clock });
    expect(await r.set('running', 'pre-warming')).toBe(true);
    expect(await r.set('running', 'pre-warming')).toBe(true); // GitLab: 400 "… via :run from :running"
    expect(await r.set('success', '3 images in 1 cache, Ready')).toBe(true);
    expect(r.report()).toEqual({ name: 'ctx/a', project: 'team/app', sha, posted: [{ state: 'running', description: 'pre-warming' }, { state: 'running', description: 'pre-warming' }, { state: 'success', description: '3 images in 1 cache, Ready' }] });
    expect(gl.statuses.list(1, sha).filter((x) => x.name === 'ctx/a' && !x.retried).map((x) => x.status)).toEqual(['success']);
  });

  it('a registered secret in a description (an error text) is scrubbed before GitLab gets it', async () => {
    registerSecret('sts-secret-in-an-error-0123');
    try {
      const r = commitStatusReporter(port(), target('ctx/s'), { clock });
      expect(await r.set('failed', 'prewarm failed: GET https://x/?token=sts-secret-in-an-error-0123 refused')).toBe(true);
      const posted = gl.statuses.list(1, sha).find((x) => x.name === 'ctx/s' && !x.retried)!;
      expect(posted.description).not.toContain('sts-secret-in-an-error-0123');
      expect(posted.description).toMatch(/^prewarm failed: GET https:\/\/x\/\?token=\S+ refused$/);
      expect(JSON.stringify(r.report())).not.toContain('sts-secret-in-an-error-0123');
    } finally {
      clearRegisteredSecrets();
    }
  });

  it('a read_api token: 403 reported once, later posts not attempted, nothing thrown', async () => {
    const readOnly = gl.mintToken({ scopes: ['read_api'], admin: true });
    const log = memoryLogger('warn');
    const r = commitStatusReporter(port(readOnly), target('ctx/b'), { clock, log });
    expect(await r.set('running', 'x')).toBe(false);
    expect(await r.set('success', 'y')).toBe(false);
    expect(r.report()).toMatchObject({ posted: [], problem: expect.stringMatching(/^token cannot set commit statuses on team\/app \(needs the api scope and Developer\): insufficient_scope/) });
    expect(log.lines.filter((l) => l.msg === 'commit status not set')).toHaveLength(1);
    expect(gl.requests().filter((q) => q.method === 'POST' && q.path.includes('/statuses/')).length).toBeGreaterThan(0);
  });

  it('409 while the commit lock is held: retried, and set once it is free', async () => {
    const release = gl.statuses.hold(1, sha);
    setTimeout(release, 120);
    const r = commitStatusReporter(port(), target('ctx/c'), { clock, conflictWaitMs: 60 });
    expect(await r.set('running', 'x')).toBe(true);
    expect(r.report().problem).toBeUndefined();
  });

  it('409 that does not clear: reported (not thrown), the next state may still be set', async () => {
    const release = gl.statuses.hold(1, sha);
    const r = commitStatusReporter(port(), target('ctx/d'), { clock, conflictWaitMs: 1, conflictRetries: 1 });
    expect(await r.set('running', 'x')).toBe(false);
    release();
    expect(await r.set('failed', 'broken')).toBe(true);
    expect(r.report()).toMatchObject({ posted: [{ state: 'failed' }], problem: expect.stringContaining('Another update to this commit status is in progress') });
  });

  it('an unknown commit is reported once and stops the run posting', async () => {
    const r = commitStatusReporter(port(), { ...target('ctx/e'), sha: 'e'.repeat(40) }, { clock });
    expect(await r.set('running', 'x')).toBe(false);
    expect(r.report().problem).toMatch(/does not know commit team\/app@eeeeeeeeeeee/);
  });
});
