import { describe, expect, it } from 'vitest';
import { fixtureNames, hook, loadFixture, pipelineOf, pushWithFiles, type FixtureName } from '../../../test/fixtures/gitlab/index';
import { classifyHook, type ClassifyOptions } from './classify-hook';
import { defineHookRules, type HookRules } from './hook-rules';

// INFRA_REF main, as the pipeline fixture's ref; the push fixtures are on master (their default branch).
const opts: ClassifyOptions = { ciConfigPath: '.gitlab-ci.yml', infraProject: 'ops/infra', infraRef: 'main', deliveryId: 'd-1' };
const onMaster = { infraRef: 'master' };
const classify = (fx: { headerEvent: string; payload: Record<string, unknown> }, o: Partial<ClassifyOptions> = {}) =>
  classifyHook(fx.headerEvent, fx.payload, { ...opts, ...o });
const summary = (fx: { headerEvent: string; payload: Record<string, unknown> }, o: Partial<ClassifyOptions> = {}) =>
  classify(fx, o).requests.map((r) => ({ action: r.action, params: r.params }));

describe('classifyHook: every fixture', () => {
  const expected: Record<FixtureName, { name: string; scope: string; actions: Array<{ action: string; params: unknown }> }> = {
    'system.push': { name: 'push', scope: 'system', actions: [{ action: 'prewarm', params: { projects: [15] } }] },
    'system.tag_push': { name: 'tag_push', scope: 'system', actions: [] },
    'system.repository_update': { name: 'repository_update', scope: 'system', actions: [{ action: 'prewarm', params: { projects: [15] } }] },
    'system.merge_request.merge': { name: 'merge_request.merge', scope: 'system', actions: [{ action: 'prewarm', params: { projects: [14] } }] },
    'system.project_create': { name: 'project_create', scope: 'system', actions: [{ action: 'prewarm', params: { projects: [74] } }] },
    'system.project_destroy': { name: 'project_destroy', scope: 'system', actions: [] },
    'system.project_rename': { name: 'project_rename', scope: 'system', actions: [] },
    'system.project_transfer': { name: 'project_transfer', scope: 'system', actions: [] },
    'system.project_update': { name: 'project_update', scope: 'system', actions: [] },
    'system.user_create': { name: 'user_create', scope: 'system', actions: [] },
    push: { name: 'push', scope: 'project', actions: [{ action: 'prewarm', params: { projects: [15] } }] },
    tag_push: { name: 'tag_push', scope: 'project', actions: [] },
    'merge_request.merge': { name: 'merge_request.merge', scope: 'project', actions: [{ action: 'prewarm', params: { projects: [14] } }] },
    pipeline: { name: 'pipeline', scope: 'project', actions: [{ action: 'reconcile', params: { verifyPipeline: 31 } }] },
    build: { name: 'build', scope: 'project', actions: [] },
  };
  it.each(fixtureNames)('%s', (name) => {
    const c = classify(loadFixture(name));
    expect({ name: c.hook.name, scope: c.hook.scope, actions: c.requests.map((r) => ({ action: r.action, params: r.params })) }).toEqual(expected[name]);
    expect(c.reason.length).toBeGreaterThan(5);
    for (const r of c.requests) expect(r.source).toEqual({ kind: 'webhook', id: 'd-1', reason: expect.any(String), trigger: expect.objectContaining({ hook: expect.any(String) }) });
  });
});

describe('classifyHook: push rules', () => {
  const sha = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';
  it('system push without file lists is pre-warmed as "files unknown"', () => {
    expect(classify(loadFixture('system.push')).requests[0]!.source!.reason).toMatch(/files unknown/);
  });
  it('system push whose commits do list files is judged by them', () => {
    const fx = hook('system.push', { commits: [{ id: 'a', added: [], modified: ['README.md'], removed: [] }] });
    expect(classify(fx)).toMatchObject({ requests: [], reason: expect.stringMatching(/none of 1 changed file/) });
  });
  it('pre-warms for the CI file, any yml (possible local include), and when older commits are not listed', () => {
    expect(classify(pushWithFiles(['.gitlab-ci.yml'])).requests[0]!.source!.reason).toMatch(/changes \.gitlab-ci\.yml$/);
    expect(classify(pushWithFiles(['ci/templates/build.yaml'])).requests[0]!.source!.reason).toMatch(/possible local include/);
    expect(classify(pushWithFiles(['README.md'], { total_commits_count: 25 })).requests[0]!.source!.reason).toMatch(/files unknown/);
  });
  it('uses the project ci_config_path over CI_CONFIG_PATH', () => {
    const fx = pushWithFiles(['ci/main.yml'], { project: { ci_config_path: 'ci/main.yml' } });
    expect(classify(fx).requests[0]!.source!.reason).toMatch(/changes ci\/main\.yml$/);
    expect(classify(pushWithFiles(['pipeline.ci']), { ciConfigPath: 'pipeline.ci' }).requests).toHaveLength(1);
  });
  it('ignores pushes that touch no CI config, other branches, and branch deletions', () => {
    expect(summary(pushWithFiles(['src/main.java']))).toEqual([]);
    expect(classify(pushWithFiles(['.gitlab-ci.yml'], { ref: 'refs/heads/feature' })).reason).toMatch(/not the default branch master/);
    expect(classify(pushWithFiles(['.gitlab-ci.yml'], { after: '0'.repeat(40) })).reason).toMatch(/deleted/);
  });
  it('a push to the infra project INFRA_REF reconciles (by path or id), and still pre-warms on CI change', () => {
    const infra = { project: { path_with_namespace: 'Ops/Infra' } };
    expect(summary(pushWithFiles(['k8s/pv.txt'], infra), onMaster)).toEqual([{ action: 'reconcile', params: {} }]);
    expect(summary(pushWithFiles(['helmfile.yaml'], infra), onMaster).map((r) => r.action)).toEqual(['reconcile', 'prewarm']);
    expect(classify(pushWithFiles(['x.txt']), { ...onMaster, infraProject: '15' }).requests.map((r) => r.action)).toEqual(['reconcile']);
    expect(classify(pushWithFiles(['x.txt']), { ...onMaster, infraProject: undefined }).requests).toEqual([]);
  });
  it('a push to another ref of the infra project starts no reconcile: it reads INFRA_REF, and would judge its state', () => {
    const infra = { project: { path_with_namespace: 'ops/infra' } };
    // Pushes to the default branch master while INFRA_REF is main: prewarm on a CI change only.
    expect(classify(pushWithFiles(['k8s/pv.txt'], infra)).reason).toMatch(/push on master, not INFRA_REF main: reconcile reads main only/);
    expect(summary(pushWithFiles(['.gitlab-ci.yml'], infra))).toEqual([{ action: 'prewarm', params: { projects: [15] } }]);
    // A feature branch: nothing.
    const feature = classify(pushWithFiles(['helmfile.yaml'], { ...infra, ref: 'refs/heads/feature' }), onMaster);
    expect(feature).toMatchObject({ requests: [], reason: expect.stringMatching(/not the default branch master; push on feature, not INFRA_REF master/) });
    // INFRA_REF need not be the default branch: its pushes reconcile (no prewarm: not the default branch).
    const prod = classify(pushWithFiles(['helmfile.yaml'], { ...infra, ref: 'refs/heads/production' }), { infraRef: 'production' }).requests;
    expect(prod).toMatchObject([{ action: 'reconcile', change: `p15@${sha}`, source: { trigger: { ref: 'production', sha } } }]);
  });
  it('repository_update: the default branch pre-warms; the infra project INFRA_REF reconciles, at its own commit', () => {
    expect(classify(hook('system.repository_update', { changes: [{ before: 'a', after: 'b', ref: 'refs/heads/dev' }] })).requests).toEqual([]);
    const infra = hook('system.repository_update', { project: { path_with_namespace: 'ops/infra' } });
    expect(summary(infra, onMaster).map((r) => r.action)).toEqual(['reconcile', 'prewarm']);
    expect(summary(infra).map((r) => r.action)).toEqual(['prewarm']);
    const other = 'b'.repeat(40);
    const both = hook('system.repository_update', { project: { path_with_namespace: 'ops/infra' }, changes: [{ before: 'a', after: sha, ref: 'refs/heads/master' }, { before: 'a', after: other, ref: 'refs/heads/main' }] });
    expect(classify(both).requests.map((r) => [r.action, r.change, r.source!.trigger!.ref])).toEqual([['reconcile', `p15@${other}`, 'main'], ['prewarm', `p15@${sha}`, 'master']]);
  });
});

describe('classifyHook: what changed (trigger) and the change identity', () => {
  const sha = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';
  it('a system push and its repository_update name the same change and the same facts; only the hook differs', () => {
    const [push] = classify(loadFixture('system.push')).requests;
    const [update] = classify(loadFixture('system.repository_update')).requests;
    expect(push!.change).toBe(`p15@${sha}`);
    expect(update!.change).toBe(push!.change);
    const facts = { project: { id: 15, path: 'mike/diaspora', webUrl: 'http://example.com/mike/diaspora' }, ref: 'master', sha, author: 'John Smith', commitUrl: `http://example.com/mike/diaspora/-/commit/${sha}` };
    expect(push!.source!.trigger).toEqual({ hook: 'System Hook: push', ...facts });
    expect(update!.source!.trigger).toEqual({ hook: 'System Hook: repository_update', ...facts });
  });
  it('a project Push Hook names its author by username; a merge names the merge commit', () => {
    expect(classify(loadFixture('push')).requests[0]).toMatchObject({ change: `p15@${sha}`, source: { trigger: { hook: 'Push Hook', author: 'jsmith' } } });
    const mr = classify(loadFixture('merge_request.merge')).requests[0]!;
    expect(mr).toMatchObject({ change: `p14@${sha}`, source: { trigger: { hook: 'Merge Request Hook: merge', sha, ref: 'master', author: 'root' } } });
    const ff = classify(hook('merge_request.merge', { object_attributes: { merge_commit_sha: null } })).requests[0]!;
    expect(ff.change).toBeUndefined(); // no commit named: the merge is a run of its own
  });
  it('infra reconcile from a push shares the change; from a pipeline it is one run per pipeline and status', () => {
    const infra = classify(pushWithFiles(['helmfile.yaml'], { project: { path_with_namespace: 'ops/infra' } }), onMaster).requests;
    expect(infra.map((r) => [r.action, r.change])).toEqual([['reconcile', `p15@${sha}`], ['prewarm', `p15@${sha}`]]);
    const verify = classify(loadFixture('pipeline')).requests[0]!;
    expect(verify.change).toBe('p7#pipeline31:success');
    expect(verify.source!.trigger).toMatchObject({ hook: 'Pipeline Hook', project: { id: 7, path: 'ops/infra' }, sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2', author: 'user1' });
    // Re-finished by a commit status joining it (new finished_at): the same run; failed is another.
    expect(classify(hook('pipeline', { object_attributes: { finished_at: '2030-01-01 00:00:00 UTC' } })).requests[0]!.change).toBe(verify.change);
    expect(classify(hook('pipeline', { object_attributes: { status: 'failed' } })).requests[0]!.change).toBe('p7#pipeline31:failed');
  });
  it('a pipeline GitLab made only for external commit statuses is not verified (no status → pipeline → reconcile loop)', () => {
    expect(classify(hook('pipeline', { object_attributes: { source: 'external' } }))).toMatchObject({ requests: [], reason: expect.stringMatching(/only holds external commit statuses/) });
  });
  it('a project_create names the project but no commit', () => {
    expect(classify(loadFixture('system.project_create')).requests[0]).toMatchObject({ source: { trigger: { hook: 'System Hook: project_create', project: { id: 74 } } } });
    expect(classify(loadFixture('system.project_create')).requests[0]!.change).toBeUndefined();
  });
});

describe('classifyHook: merge requests, pipelines, unknown', () => {
  it('only a merge into the default branch pre-warms', () => {
    expect(classify(hook('merge_request.merge', { object_attributes: { target_branch: 'release' } })).requests).toEqual([]);
    const open = classify(hook('merge_request.merge', { object_attributes: { action: 'open', state: 'opened' } }));
    expect(open).toMatchObject({ hook: { name: 'merge_request.open' }, requests: [] });
  });
  it('the infra pipeline reconciles when finished (success or failed) only', () => {
    expect(summary(pipelineOf('ops/infra', 7, 'failed', 44))).toEqual([{ action: 'reconcile', params: { verifyPipeline: 44 } }]);
    expect(classify(pipelineOf('ops/infra', 7, 'running')).reason).toMatch(/running, not finished/);
    expect(classify(pipelineOf('ops/infra', 7, 'canceled')).requests).toEqual([]);
    expect(classify(pipelineOf('jsmith/app', 9, 'success')).reason).toMatch(/not the infra project/);
  });
  it("only INFRA_REF's pipelines reconcile: a feature branch's or a merge request's would get a status judging INFRA_REF", () => {
    expect(classify(hook('pipeline', { object_attributes: { ref: 'feature' } }))).toMatchObject({ requests: [], reason: expect.stringMatching(/^infra pipeline 31 on feature, not INFRA_REF main: reconcile reads main only/) });
    expect(classify(loadFixture('pipeline'), { infraRef: 'production' }).requests).toEqual([]);
    const mr = classify(hook('pipeline', { merge_request: { id: 99, iid: 4 } }));
    expect(mr).toMatchObject({ requests: [], reason: expect.stringMatching(/ran for merge request !4, not for INFRA_REF main/) });
  });
  it('an unknown event is no action with a reason', () => {
    const c = classifyHook('Vulnerability Hook', { object_kind: 'vulnerability', object_attributes: {} }, opts);
    expect(c).toMatchObject({ requests: [], reason: 'unknown event vulnerability' });
    expect(classifyHook('Push Hook', {}, opts).reason).toMatch(/unknown event/);
  });
  it('a payload that does not match its event shape is EVENT_INVALID without echoing values', () => {
    expect(() => classify(hook('push', { ref: 12345 }))).toThrow(expect.objectContaining({ code: 'EVENT_INVALID', status: 400 }));
  });
  it('rule tables reject names outside the registry', () => {
    expect(() => defineHookRules({ 'merge_request.smash': () => 'x' })).toThrow(/merge_request\.smash/);
  });
});

describe('registry types', () => {
  it('rule tables are keyed by registry names at compile time too', () => {
    const ok: HookRules = { 'merge_request.merge': () => 'x' };
    // @ts-expect-error — not a registered event name
    const bad: HookRules = { 'merge_request.smash': () => 'x' };
    expect(Object.keys({ ...ok, ...bad })).toHaveLength(2);
  });
});
