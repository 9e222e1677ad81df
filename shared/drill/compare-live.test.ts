import { describe, expect, it } from 'vitest';
import { AppError } from '#shared/errors/index';
import { compareLive } from './compare-live';

const live = (o: { counts?: { projects: number; users: number; groups: number } | Error; heads?: Record<string, string>; known?: string[] }) => ({
  instanceCounts: async () => {
    if (o.counts instanceof Error) throw o.counts;
    return o.counts ?? { projects: 3, users: 4, groups: 2 };
  },
  branchHead: async (p: string | number) => o.heads?.[String(p)],
  hasCommit: async (_p: string | number, sha: string) => (o.known ?? []).includes(sha),
});
const restored = { projects: 3, users: 4, groups: 2, repositories: [{ path: 'a/app', branch: 'main', sha: 'aaa111' }] };

describe('compareLive', () => {
  it('equal counts and HEADs: all ok', async () => {
    const c = await compareLive(live({ heads: { 'a/app': 'aaa111' } }), restored, undefined);
    expect(c.checks.map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(c.counts.repositories).toEqual([{ path: 'a/app', branch: 'main', restored: 'aaa111', live: 'aaa111', status: 'ok' }]);
  });

  it('changes since the backup are not failures: differing counts "differs", a branch that moved on is ok when live knows the restored commit', async () => {
    const c = await compareLive(live({ counts: { projects: 5, users: 4, groups: 2 }, heads: { 'a/app': 'bbb222' }, known: ['aaa111'] }), restored, '2026-11-27T03:00:00Z');
    expect(c.checks[0]).toMatchObject({ id: 'counts.projects', status: 'differs', detail: '3 restored, 5 live (changes since the backup of 2026-11-27T03:00:00Z)' });
    expect(c.checks[3]).toMatchObject({ id: 'head a/app', status: 'ok', detail: expect.stringContaining('moved on to bbb222') });
  });

  it('failures: an empty restore of a non-empty instance, a restored HEAD live does not know, a repository restored without its HEAD', async () => {
    const c = await compareLive(live({ heads: { 'a/app': 'bbb222', 'a/lib': 'ccc333' } }), { ...restored, projects: 0, repositories: [...restored.repositories, { path: 'a/lib', branch: 'main', sha: null }] }, undefined);
    expect(c.checks.find((x) => x.id === 'counts.projects')).toMatchObject({ status: 'failed', detail: 'the restored instance has no projects; the live one has 3' });
    expect(c.checks.find((x) => x.id === 'head a/app')).toMatchObject({ status: 'failed', detail: 'restored HEAD aaa111 is unknown to the live repository' });
    expect(c.checks.find((x) => x.id === 'head a/lib')).toMatchObject({ status: 'failed' });
  });

  it('GitLab\'s approximate counts (≥ 10,000) compare within 2 %', async () => {
    const c = await compareLive(live({ counts: { projects: 20_100, users: 4, groups: 2 } }), { ...restored, projects: 20_000, repositories: [] }, undefined);
    expect(c.checks[0]!.status).toBe('ok');
  });

  it('degrades clearly: a non-admin token skips the counts and says what to set; no GitLab at all skips everything', async () => {
    const forbidden = new AppError('GITLAB_API', 'GitLab application statistics failed: HTTP 403: 403 Forbidden', { details: { httpStatus: 403 } });
    const c = await compareLive(live({ counts: forbidden, heads: { 'a/app': 'aaa111' } }), restored, undefined);
    expect(c.checks[0]).toMatchObject({ status: 'skipped', detail: expect.stringContaining('set DRILL_GITLAB_TOKEN to an administrator\'s read_api token') });
    expect(c.counts.projects).toEqual({ restored: 3, live: null });
    expect(c.checks[3]!.status).toBe('ok');
    const none = await compareLive(undefined, restored, undefined);
    expect(none.checks.map((x) => x.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  });
});
