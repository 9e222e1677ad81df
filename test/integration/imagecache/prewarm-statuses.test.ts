import { afterEach, describe, expect, it } from 'vitest';
import type { PrewarmReport } from '#shared/imagecache/run-prewarm';
import { startHarness, type Harness } from './prewarm-harness';

/**
 * Hook runs of prewarm through the worker, against the GitLab and Kubernetes emulators: the commit status of the
 * commit that caused the run, a token that may not set it, images that fail to cache, and a run for a commit that a
 * newer one has superseded (docs/adr/0024).
 */
const ci = (image: string) => `build:\n  image: ${image}\n  script: [make]\n`;
const hookRun = (sha: string, extra: Record<string, unknown> = {}) => ({
  action: 'prewarm',
  params: { projects: [1] },
  source: { kind: 'webhook', id: 'd-1', reason: 'test', trigger: { hook: 'System Hook: push', project: { id: 1, path: 'g/app' }, ref: 'main', sha, author: 'dev' } },
  ...extra,
});

describe('prewarm hook runs: statuses and coalescing', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const statusOf = (sha: string) => h!.gl.statuses.list(1, sha).filter((s) => !s.retried).map((s) => ({ name: s.name, status: s.status, description: s.description }));
  const rawReads = () => h!.gl.requests().filter((r) => r.path.includes('/repository/files/')).length;

  it('the commit gets running → success; a run for an older commit than the pre-warmed head is skipped (status skipped)', async () => {
    h = await startHarness([{ path: 'g/app', files: { '.gitlab-ci.yml': ci('reg.io/app:1') } }]);
    await h.prewarm(); // the daily full walk: the store is trusted afterwards
    const a = h.gl.push('g/app', { branch: 'main', files: { '.gitlab-ci.yml': ci('reg.io/app:2') }, message: 'a' });
    const b = h.gl.push('g/app', { branch: 'main', files: { '.gitlab-ci.yml': ci('reg.io/app:3') }, message: 'b' });

    const rb = await h.request(hookRun(b));
    expect(rb.status).toBe('changed');
    expect(statusOf(b)).toEqual([{ name: 'gitlab-ask-ops/prewarm', status: 'success', description: '2 images in 1 cache, Ready' }]);
    expect((rb.report as PrewarmReport).commitStatus).toMatchObject({ posted: [{ state: 'running' }, { state: 'success' }] });
    expect(h.gl.statuses.list(1, b).map((s) => s.startedAt)).toEqual([expect.any(String)]); // it was running first

    // The run for A was queued before B's and runs after it: B's discovery covers it; nothing is read or planned.
    const reads = rawReads();
    const ra = await h.request(hookRun(a));
    expect(ra).toMatchObject({ status: 'ok', plan: [], done: [] });
    expect(ra.summary).toBe(`superseded: g/app@${a.slice(0, 12)} is no longer the head of main; ${b.slice(0, 12)} was pre-warmed at ${(ra.report as PrewarmReport).superseded!.discoveredAt}`);
    expect(rawReads()).toBe(reads);
    expect(statusOf(a)).toEqual([{ name: 'gitlab-ask-ops/prewarm', status: 'skipped', description: ra.summary }]);

    // The newest commit is never skipped, even when it was pre-warmed already (a retry, a duplicate).
    const again = await h.request(hookRun(b));
    expect(again.summary).not.toMatch(/^superseded/);
    expect(statusOf(b)).toEqual([expect.objectContaining({ status: 'success' })]);
    // A dry run neither skips nor sets a status.
    const dry = await h.request(hookRun(a, { dryRun: true }));
    expect(dry.summary).toMatch(/^dry run/);
  });

  it('a token without the api scope: the status is not set, said once in the result; the run is otherwise unchanged', async () => {
    h = await startHarness([{ path: 'g/app', files: { '.gitlab-ci.yml': ci('reg.io/app:1') } }]);
    await h.prewarm();
    const readOnly = h.gl.mintToken({ scopes: ['read_api'], admin: true });
    const c = h.gl.push('g/app', { branch: 'main', files: { '.gitlab-ci.yml': ci('reg.io/app:2') }, message: 'c' });
    const r = await h.request(hookRun(c), { token: readOnly });
    expect(r.status).toBe('changed');
    expect(r.errors).toBeUndefined();
    expect((r.report as PrewarmReport).commitStatus).toEqual({
      name: 'gitlab-ask-ops/prewarm', project: 1, sha: c, posted: [],
      problem: expect.stringMatching(/^token cannot set commit statuses on g\/app \(needs the api scope and Developer\): insufficient_scope/),
    });
    expect(h.gl.requests().filter((q) => q.method === 'POST' && q.path.endsWith(`/statuses/${c}`))).toHaveLength(1);
  });

  it('images that fail to cache: failed, naming the cache and why', async () => {
    h = await startHarness([{ path: 'g/app', files: { '.gitlab-ci.yml': ci('reg.io/app:1') } }], { unpullable: ['reg.io/gone:1'] });
    await h.prewarm();
    const c = h.gl.push('g/app', { branch: 'main', files: { '.gitlab-ci.yml': ci('reg.io/gone:1') }, message: 'gone' });
    const r = await h.request(hookRun(c));
    expect(r.status).toBe('degraded');
    const [st] = statusOf(c);
    expect(st).toMatchObject({ status: 'failed', description: expect.stringMatching(/^2 of 2 images not cached — gao-[0-9a-f]+: .*reg\.io\/gone:1/) });
  });

  it('PREWARM_STATUS_ON_PLATFORM_FAILURE=success: the same failure is success "not blocking: …"; the run still says degraded', async () => {
    h = await startHarness([{ path: 'g/app', files: { '.gitlab-ci.yml': ci('reg.io/app:1') } }], { unpullable: ['reg.io/gone:1'], env: { PREWARM_STATUS_ON_PLATFORM_FAILURE: 'success' } });
    await h.prewarm();
    const c = h.gl.push('g/app', { branch: 'main', files: { '.gitlab-ci.yml': ci('reg.io/gone:1') }, message: 'gone' });
    const r = await h.request(hookRun(c));
    expect(r.status).toBe('degraded');
    const [st] = statusOf(c);
    expect(st).toMatchObject({ status: 'success', description: expect.stringMatching(/^not blocking: 2 of 2 images not cached — gao-[0-9a-f]+: .*reg\.io\/gone:1/) });
  });
});

describe('prewarm hook runs: GitLab requests', () => {
  it('a hook run reads its branch head once: the superseded check\'s read is the commit recorded with the entry', async () => {
    const h = await startHarness([{ path: 'g/app', files: { '.gitlab-ci.yml': ci('reg.io/app:1') } }]);
    try {
      await h.prewarm();
      const since = (n: number) => h.gl.requests().slice(n);
      const heads = (n: number) => since(n).filter((r) => r.path.includes('/repository/branches/')).length;
      const a = h.gl.push('g/app', { branch: 'main', files: { '.gitlab-ci.yml': ci('reg.io/app:2') }, message: 'a' });
      // The store does not know a commit yet (a full walk does not read heads): discovery reads it, once.
      let n = h.gl.requests().length;
      expect((await h.request(hookRun(a))).status).toBe('changed');
      expect(heads(n)).toBe(1);
      const b = h.gl.push('g/app', { branch: 'main', files: { '.gitlab-ci.yml': ci('reg.io/app:3') }, message: 'b' });
      // The store knows a's commit: the superseded check reads the head (b, not pre-warmed: runs) and discovery reuses it.
      n = h.gl.requests().length;
      expect((await h.request(hookRun(b))).status).toBe('changed');
      expect(heads(n)).toBe(1);
      // That read was recorded: a queued run for a is superseded by b (one read, nothing else of the project).
      n = h.gl.requests().length;
      expect((await h.request(hookRun(a))).summary).toMatch(/^superseded: /);
      expect(heads(n)).toBe(1);
      expect(since(n).filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([expect.stringMatching(/\/projects\/1\/repository\/branches\/main$/)]);
    } finally {
      await h.close();
    }
  });
});
