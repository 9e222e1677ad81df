import { describe, expect, it } from 'vitest';
import type { GitlabPort } from '#shared/gitlab/api/index';
import { readTriggerHead, supersededBy, triggerTarget } from './prewarm-trigger';
import type { StoredProject } from './image-set-store';

const S = 'a'.repeat(40);
const H = 'b'.repeat(40);
const trigger = { hook: 'System Hook: push', project: { id: 7, path: 'g/app' }, ref: 'main', sha: S };
const entry = (sha?: string): StoredProject => ({ path: 'g/app', podSets: [['x:1']], jobs: ['build'], discoveredAt: '2026-12-01T10:00:00.000Z', ref: 'main', ...(sha ? { sha } : {}) });
const gitlab = (head: string | Error | undefined): GitlabPort => ({ branchHead: async () => { if (head instanceof Error) throw head; return head; } }) as unknown as GitlabPort;

describe('triggerTarget', () => {
  it('only for a run with effects whose projects include the trigger\'s project and a commit', () => {
    expect(triggerTarget(trigger, [7], false)).toEqual({ projectId: 7, sha: S, ref: 'main', path: 'g/app' });
    expect(triggerTarget(trigger, [7], true)).toBeUndefined();
    expect(triggerTarget(trigger, [8], false)).toBeUndefined();
    expect(triggerTarget(trigger, undefined, false)).toBeUndefined();
    expect(triggerTarget({ ...trigger, sha: undefined }, [7], false)).toBeUndefined();
  });
});

describe('supersededBy', () => {
  const t = triggerTarget(trigger, [7], false)!;
  const check = async (g: GitlabPort, e: StoredProject | undefined) => supersededBy(t, e, await readTriggerHead(g, t, e));
  it('skips a run whose commit is no longer the head when the head was pre-warmed already', async () => {
    expect(await check(gitlab(H), entry(H))).toMatchObject({ head: H, reason: `superseded: g/app@${S.slice(0, 12)} is no longer the head of main; ${H.slice(0, 12)} was pre-warmed at 2026-12-01T10:00:00.000Z` });
  });
  it('never skips the newest commit, nor when the head is not what the store holds or anything is unknown', async () => {
    expect(await check(gitlab(S), entry(S))).toBeUndefined(); // the head itself (a retry, a duplicate)
    expect(await check(gitlab(H), entry(S))).toBeUndefined(); // head not pre-warmed yet: this run does it
    expect(await check(gitlab(H), entry())).toBeUndefined(); // store does not know its commit
    expect(await check(gitlab(H), undefined)).toBeUndefined();
    expect(await check(gitlab(undefined), entry(H))).toBeUndefined(); // branch gone
    expect(await check(gitlab(new Error('503')), entry(H))).toBeUndefined();
  });
});
