import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sandboxParts } from '#local/sandbox/boot';
import { createKubePart } from '#local/sandbox/parts/kube-part';
import { startSandbox, type Started } from '#local/start';
import { ops } from './ops-cli';

// One sandbox per file (handlers keep their cold-start config); stopped by the last test to prove the stale path.
describe('CLI targets against a running sandbox (npm start wiring, random ports)', () => {
  let s: Started;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-targets-'));
    const parts = sandboxParts.map((p) => (p.name === 'kube' ? createKubePart({ readyAfterMs: 20 }) : p));
    s = await startSandbox({ env: { SANDBOX_DIR: dir, LOG_LEVEL: 'warn' }, port: 0, timers: false, retryBaseMs: 1, parts, out: () => undefined });
    env = { SANDBOX_DIR: dir };
  });
  afterAll(async () => {
    await s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('plan names the sandbox GitLab and cluster on one target line; --detailed-exitcode: 2 with drift, 0 after apply', async () => {
    const plan = await ops(['plan', '--detailed-exitcode'], env);
    expect(plan.err.split('\n')[0]).toBe(`target: sandbox (${dir}, pid ${process.pid}): gitlab ${s.sandbox.urls.gitlab} · cluster ASK ${s.sandbox.env.ASK_CLUSTER_ID} via ${s.sandbox.urls.cs}`);
    expect(plan.out).toContain('OutOfSync');
    expect(plan.code).toBe(2);
    expect((await ops(['plan'], env)).code).toBe(0);
    // The seeded claims picked up the sandbox's default StorageClass (ADR 0020): converging needs the recreate, which a
    // shell variable that is not a target may allow while the sandbox stays the target.
    await ops(['apply'], { ...env, RECONCILE_ALLOW_RECREATE: 'true' });
    // The binder is asynchronous, as on a real cluster: wait for the recreated claims to bind.
    await expect.poll(async () => (await ops(['plan', '--detailed-exitcode'], env)).code, { timeout: 20_000, interval: 500 }).toBe(0);
    const clean = await ops(['plan', '--detailed-exitcode'], env);
    expect(clean.out).toMatch(/0 out of sync, 0 degraded/);
    expect((await ops(['plan', '--detailed-exitcode', '--bogus'], env)).code).toBe(1);
  });

  it('a shell naming a real GitLab next to the running sandbox is refused, naming both; nothing runs', async () => {
    const r = await ops(['apply'], { ...env, GITLAB_URL: 'https://gitlab.example.com' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('two targets: the shell names GITLAB_URL=https://gitlab.example.com; the running sandbox');
    expect(r.err).toContain(`gitlab ${s.sandbox.urls.gitlab}`);
    expect(r.out).toBe('');
    expect((await ops(['plan', '--detailed-exitcode'], { ...env, OSS_BUCKET: 'prod-backups' })).code).toBe(1);
  });

  it('KUBECONFIG=/nonexistent is an error naming that file, never the sandbox', async () => {
    for (const argv of [['apply'], ['apply', '--no-sandbox'], ['invoke', 'ops-worker', '--event', '{"action":"prewarm","dryRun":true}']]) {
      const r = await ops(argv, { ...env, KUBECONFIG: '/nonexistent' });
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err).toBe('error: KUBECONFIG=/nonexistent: no kubeconfig found (/nonexistent does not exist)');
      expect(r.out).toBe('');
    }
  });

  it('the index page: every link answers a GET; task ids are shortened with the full id on hover; a webhook task shows its hook', async () => {
    const push = await ops(['sandbox', 'push', 'java-demo', '--wait'], env);
    expect(push.err.split('\n')[0]).toBe(`target: sandbox (${dir}, pid ${process.pid}) index ${s.sandbox.urls.index}`);
    expect(push.code).toBe(0);
    const html = await (await fetch(s.sandbox.urls.index!)).text();
    const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1]!.replace(/&amp;/g, '&'), s.sandbox.urls.index).href);
    expect(hrefs.length).toBeGreaterThanOrEqual(4);
    for (const h of hrefs) expect((await fetch(h)).status, h).toBe(200);
    expect(html).toContain(`<code>${s.sandbox.urls.fc}</code> (API endpoint)`);
    const task = /<span title="(wh_prewarm_[0-9a-f]+)">(wh_prewarm_[0-9a-f]+)…<\/span><\/td><td>ops-worker<\/td><td>([^<]+)<\/td>/.exec(html);
    expect(task, 'a shortened webhook task row').not.toBeNull();
    expect(task![1]!.startsWith(task![2]!)).toBe(true);
    expect(task![3]).toMatch(/^webhook: (system push|repository_update) (to|of) demo\/java-demo@main/);
  });

  it('status names the cluster it reads open findings from; --kubeconfig and a shell KUBECONFIG reach it', async () => {
    const st = await ops(['status', '--json'], env);
    expect(st.err.split('\n')[0]).toMatch(new RegExp(`^target: sandbox .*: fc ops-worker .* · bucket oss://\\S+ .* · cluster ASK ${s.sandbox.env.ASK_CLUSTER_ID} via `));
    expect((JSON.parse(st.out) as { findings: { available: boolean } }).findings.available).toBe(true);
    const missing = await ops(['status'], { ...env, KUBECONFIG: '/nonexistent' });
    expect([missing.code, missing.err]).toEqual([1, 'error: KUBECONFIG=/nonexistent: no kubeconfig found (/nonexistent does not exist)']);
    // The sandbox's admin kubeconfig, named the two ways kubectl takes it: the findings are read through it.
    const kubeconfig = join(dir, 'kubeconfig');
    for (const [argv, shell] of [[['status', '--json', '--kubeconfig', kubeconfig], env], [['status', '--json', '--no-sandbox'], { KUBECONFIG: kubeconfig }]] as const) {
      const r = await ops([...argv], { ...shell });
      expect(r.err.split('\n')[0], argv.join(' ')).toContain(`cluster ${kubeconfig} context `);
      expect((JSON.parse(r.out) as { findings: unknown }).findings, argv.join(' ')).toMatchObject({ available: true, findings: expect.any(Array) });
    }
  });

  it('a GITLAB_TOKEN that sandbox token minted goes with the sandbox target and the run has its lesser rights; any other shell token stays out', async () => {
    type Prewarm = { report: { projects: Array<{ path: string; degraded?: string[] }> } };
    const apiService = (out: string) => (JSON.parse(out) as Prewarm).report.projects.find((p) => p.path === 'platform/api-service')!;
    const minted = await ops(['sandbox', 'token', '--scopes', 'read_api', '--role', 'developer'], env);
    expect(minted.code).toBe(0);
    const ev = ['invoke', 'ops-worker', '--quiet', '--event', '{"action":"prewarm","dryRun":true}'];
    // Every `npm run -s ops` is a process of its own: drop the worker's cold-start config between in-process runs.
    vi.resetModules();
    const less = await ops(ev, { ...env, GITLAB_TOKEN: minted.out });
    expect(less.err).toContain('note: shell GITLAB_TOKEN used: a token sandbox token minted on this sandbox\'s GitLab');
    expect(apiService(less.out).degraded).toEqual([
      'token lacks Owner on group platform: its CI/CD variables were not read',
      'token lacks Maintainer on project platform/api-service: its CI/CD variables were not read',
    ]);
    vi.resetModules();
    const other = await ops(ev, { ...env, GITLAB_TOKEN: 'glpat-REAL-production-token' });
    expect(other.err).toContain('note: shell GITLAB_TOKEN not used: the sandbox\'s targets and keys are');
    expect(apiService(other.out).degraded).toBeUndefined(); // the sandbox's own token: the documented minimum
    expect(`${other.out}${other.err}`).not.toContain('glpat-REAL');
    vi.resetModules();
  });

  it('after the sandbox stops, commands say it is not running instead of "fetch failed"', async () => {
    await s.stop();
    for (const argv of [['sandbox', 'status'], ['plan'], ['invoke', 'ops-worker', '--event', '{"action":"backup"}']]) {
      const r = await ops(argv, env);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err).toBe('error: the sandbox is not running (start it with npm start)');
    }
    const shell = await ops(['invoke', 'ops-worker', '--event', '{"action":"ping"}'], { ...env, OSS_BUCKET: 'b' });
    expect(shell.err).toContain('note: ');
    expect(shell.err).toContain('/env ignored: the sandbox is not running');
    expect(shell.code).toBe(0);
  });
});
