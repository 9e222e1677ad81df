import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifyHook } from './identify-hook';
import { buildTrigger, changeIdentity, hookName, isCommitSha, MAX_TRIGGER_CHARS } from './trigger';

const sys = identifyHook('System Hook', { event_name: 'push' });
const sha = 'a'.repeat(40);

describe('buildTrigger', () => {
  it('keeps the facts, strips refs/heads/, links the commit under the project', () => {
    expect(buildTrigger(sys, { projectId: 3, path: 'g/p', webUrl: 'https://gl.example.com/g/p/', ref: 'refs/heads/main', sha, author: 'ann' })).toEqual({
      hook: 'System Hook: push', project: { id: 3, path: 'g/p', webUrl: 'https://gl.example.com/g/p' }, ref: 'main', sha, author: 'ann', commitUrl: `https://gl.example.com/g/p/-/commit/${sha}`,
    });
  });
  it('bounds sender text, drops control characters, and never keeps a cut or non-http URL', () => {
    const t = buildTrigger(sys, { projectId: 3, path: `g/${'x'.repeat(1000)}`, author: 'eve\r\nBcc: x@evil', webUrl: `https://gl/${'y'.repeat(300)}`, sha });
    expect(t.project!.path).toHaveLength(MAX_TRIGGER_CHARS);
    expect(t.project!.path!.endsWith('…')).toBe(true);
    expect(t.author).toBe('eve Bcc: x@evil');
    expect(t.project!.webUrl).toBeUndefined();
    expect(t.commitUrl).toBeUndefined();
    expect(buildTrigger(sys, { projectId: 3, webUrl: 'javascript:alert(1)', sha }).project).toEqual({ id: 3 });
  });
  it('keeps a sha only when it is a commit id (SHA-1 or SHA-256, not all zeros)', () => {
    expect(isCommitSha('b'.repeat(64))).toBe(true);
    for (const bad of ['0'.repeat(40), 'A'.repeat(40), 'abc', 'g'.repeat(40), 12]) expect(isCommitSha(bad)).toBe(false);
    expect(buildTrigger(sys, { projectId: 3, sha: 'not-a-sha' }).sha).toBeUndefined();
  });
  it('every field stays within the bound whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.string({ maxLength: 2000 }), fc.string({ maxLength: 2000 }), (path, author, ref) => {
        const t = buildTrigger(sys, { projectId: 1, path, author, ref, webUrl: 'https://gl', sha });
        for (const v of [t.hook, t.project?.path, t.author, t.ref, t.commitUrl]) {
          if (v === undefined) continue;
          expect(v.length).toBeLessThanOrEqual(MAX_TRIGGER_CHARS);
          expect(v).not.toMatch(/[\r\n]/);
        }
      }),
    );
  });
});

describe('changeIdentity and hookName', () => {
  it('is project and commit, or nothing when either is unknown', () => {
    expect(changeIdentity(buildTrigger(sys, { projectId: 3, sha }))).toBe(`p3@${sha}`);
    expect(changeIdentity(buildTrigger(sys, { projectId: 3 }))).toBeUndefined();
    expect(changeIdentity(buildTrigger(sys, { projectId: undefined, sha }))).toBeUndefined();
  });
  it('names system hooks by event and project hooks by header and action', () => {
    expect(hookName(identifyHook('System Hook', { event_name: 'repository_update' }))).toBe('System Hook: repository_update');
    expect(hookName(identifyHook('Merge Request Hook', { object_kind: 'merge_request', object_attributes: { action: 'merge' } }))).toBe('Merge Request Hook: merge');
    expect(hookName(identifyHook('Push Hook', { object_kind: 'push' }))).toBe('Push Hook');
  });
});
