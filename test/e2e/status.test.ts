import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '#local/cli/status/run-status';
import { nextFireTimes, parseTimerCron, timerEvent } from '#local/runtime/timers';
import { sandboxParts } from '#local/sandbox/boot';
import { createKubePart } from '#local/sandbox/parts/kube-part';
import { startSandbox, type Started } from '#local/start';
import { ops } from './ops-cli';

// The runs come from FC's own task records: timer events and webhook hand-offs go through the FC emulator's queue.
describe('ops status against the sandbox', () => {
  let s: Started;
  let dir: string;
  const fire = async (trigger: string, action: string, at: Date): Promise<void> => {
    s.sandbox.runtime.fc.enqueue('ops-worker', timerEvent(trigger, at, JSON.stringify({ action })), { source: 'timer' });
    await s.sandbox.runtime.fc.idle();
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'status-'));
    const parts = sandboxParts.map((p) => (p.name === 'kube' ? createKubePart({ readyAfterMs: 20 }) : p));
    s = await startSandbox({ env: { SANDBOX_DIR: dir, LOG_LEVEL: 'error' }, port: 0, timers: false, retryBaseMs: 1, parts, out: () => undefined });
  });
  afterAll(async () => {
    await s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('with nothing run yet: every action listed without a run, no verified backup, no open findings, timers from FC', async () => {
    const r = await ops(['status', '--json'], { SANDBOX_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.err.split('\n')[0]).toMatch(/^target: sandbox .*: fc ops-worker via .* · bucket oss:\/\/gitlab-backups\/gitlab-backups\//);
    const j = JSON.parse(r.out) as StatusReport;
    expect(j.runs.available && j.runs.actions.map((a) => [a.action, a.last])).toEqual([['backup', undefined], ['ping', undefined], ['prewarm', undefined], ['reconcile', undefined], ['restore', undefined], ['restore-drill', undefined], ['watchdog', undefined]]);
    expect(j.backup).toMatchObject({ available: true, verified: 0, withinRpo: false, rpoHours: 26 });
    expect(j.findings).toEqual({ available: true, findings: [] });
    if (!j.timers.available) throw new Error('timers not available');
    expect(j.timers.from).toBe('fc');
    const backup = j.timers.timers.find((t) => t.trigger === 'nightly-backup')!;
    expect(backup).toMatchObject({ action: 'backup', enabled: true, cron: 'CRON_TZ=Asia/Seoul 0 0 3 * * *' });
    expect(Date.parse(backup.next!)).toBe(nextFireTimes(parseTimerCron(backup.cron), 1, new Date(j.at))[0]!.getTime());
  });

  it('the last run per action with its source, outcome and summary; the last failure when a later run succeeded', async () => {
    s.sandbox.faults.set('gitlab-backup', { times: 1 });
    await fire('nightly-backup', 'backup', new Date(Date.now() - 60_000));
    await fire('nightly-backup', 'backup', new Date());
    await fire('backup-watchdog', 'watchdog', new Date());
    const push = await ops(['sandbox', 'push', 'java-demo', '--wait'], { SANDBOX_DIR: dir });
    expect(push.code).toBe(0);
    await s.sandbox.runtime.fc.idle();
    const j = JSON.parse((await ops(['status', '--json'], { SANDBOX_DIR: dir })).out) as StatusReport;
    if (!j.runs.available) throw new Error(j.runs.reason);
    const by = Object.fromEntries(j.runs.actions.map((a) => [a.action, a]));
    expect(by.backup!.last).toMatchObject({ source: 'timer nightly-backup', fcStatus: 'Succeeded', outcome: 'changed', summary: expect.stringMatching(/^backup \S+ verified/) });
    expect(by.backup!.lastFailure).toMatchObject({ source: 'timer nightly-backup', outcome: 'failed', summary: expect.stringMatching(/^backup \S+ failed at /) });
    expect(by.backup!.counts).toEqual({ changed: 1, failed: 1 });
    expect(by.watchdog!.last).toMatchObject({ source: 'timer backup-watchdog', outcome: 'ok' });
    expect(by.prewarm!.last).toMatchObject({ source: expect.stringMatching(/^webhook: .*demo\/java-demo@main/), fcStatus: 'Succeeded', summary: expect.stringContaining('caches') });
    expect(by.prewarm!.last!.taskId).toMatch(/^wh_prewarm_/);
    expect(by.reconcile!.last).toBeUndefined();
    expect(j.backup).toMatchObject({ available: true, verified: 1, withinRpo: true, newest: { ageHours: expect.any(Number) } });
    const text = await ops(['status'], { SANDBOX_DIR: dir });
    expect(text.out).toMatch(/^ {2}backup +\d{4}-\d\d-\d\d \d\d:\d\dZ \(\d+ min ago\) +timer nightly-backup +changed +backup \S+ verified/m);
    expect(text.out).toMatch(/last failure: backup \S+ failed at /);
    expect(text.out).toMatch(/newest verified: \S+, taken .*, within the RPO of 26 h; 1 verified on OSS/);
  });

  it('open findings come from the alert state: the seeded claims\' blocked recreate, after an hourly reconcile', async () => {
    await fire('hourly-reconcile', 'reconcile', new Date());
    const j = JSON.parse((await ops(['status', '--json'], { SANDBOX_DIR: dir })).out) as StatusReport;
    if (!j.findings.available) throw new Error(j.findings.reason);
    expect(j.findings.findings.length).toBeGreaterThan(0);
    expect(j.findings.findings.every((f) => f.action === 'reconcile' && f.since)).toBe(true);
    expect(j.findings.findings.map((f) => f.key).join('\n')).toMatch(/PersistentVolumeClaim\/default\/\S+: /);
    const text = await ops(['status'], { SANDBOX_DIR: dir });
    expect(text.out).toMatch(/open findings\n( {2}(fail|warn) reconcile \S+: .*\n)*? {2}warn reconcile PersistentVolumeClaim\/default\/\S+: recreate blocked — /);
  });

  it('an FC that does not answer: that section says why, the others still show, exit 1', async () => {
    const env = { ...s.sandbox.env, FC_ENDPOINT: 'http://127.0.0.1:9', SANDBOX_DIR: dir };
    const r = await ops(['status', '--json', '--no-sandbox'], env);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as StatusReport;
    expect(j.runs).toEqual({ available: false, reason: expect.stringContaining('did not answer') });
    expect(j.backup.available).toBe(true);
    expect(j.timers).toMatchObject({ available: true, from: 's.yaml', note: expect.stringContaining('FC\'s triggers not read') });
    expect(r.err).toContain('error: runs: FC API at http://127.0.0.1:9 did not answer');
  });
});
