import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleWorker } from '../../../functions/ops-worker/handler';
import type { BackupReport } from '#shared/backup/index';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import { systemClock } from '#shared/runtime/index';
import type { EmulatedHost } from '#local/ecs/index';
import { BUCKET, backupRuns, prefixOf, startBackupBed, type BackupBed } from './harness';

describe('backup action through the worker handler (result mapping for FC)', () => {
  let bed: BackupBed;
  beforeAll(async () => {
    bed = await startBackupBed();
  });
  afterAll(async () => {
    await bed?.close();
  });

  // Each call is its own invocation (a new FC request id), unless the test passes one: FC retries keep it.
  const invoke = (host: EmulatedHost, event: object, requestId = `1-${randomUUID()}`) => {
    const config = loadConfig({ BACKUP_INSTANCE_ID: host.instanceId, OSS_BUCKET: BUCKET, OSS_PREFIX: prefixOf(host), BACKUP_TIMEOUT_SECONDS: '60', MAIL_FROM: 'ops@mail.example.com', MAIL_TO: 'team@example.com' });
    return handleWorker(JSON.stringify(event), { requestId, function: { timeout: 120 } }, { config, log: memoryLogger('warn'), clock: systemClock, ports: bed.ports });
  };

  it('dryRun is a read-only preflight: every check ok, the plan, the script size but not its text, nothing run or written', async () => {
    const host = bed.addHost();
    const writes = bed.oss.calls.filter((c) => c.method !== 'GET' && c.method !== 'HEAD').length;
    const mails = bed.dm.outbox.length;
    const r = await invoke(host, { action: 'backup', dryRun: true });
    const report = r.report as BackupReport;
    expect(r).toMatchObject({ action: 'backup', dryRun: true, status: 'ok', done: [], summary: expect.stringMatching(/^preflight ok: ecs\.agent ok, /) });
    expect(report.name, 'a dry run starts no run, so it names none').toBeNull();
    expect(r.plan.map((s) => s.kind)).toEqual(['run-command', 'verify', 'retention', 'notify']);
    expect(report.preflight?.map((c) => [c.id, c.status])).toEqual([['ecs.agent', 'ok'], ['host.mount', 'ok'], ['host.disk', 'ok'], ['host.ossfs-parts', 'ok'], ['host.keep-time', 'ok'], ['host.staging', 'ok'], ['oss.read', 'ok'], ['oss.lifecycle', 'ok'], ['mail.sender', 'ok']]);
    expect(report.script).toEqual({ bytes: expect.any(Number), base64Bytes: expect.any(Number) });
    expect(JSON.stringify(r)).not.toContain('#!/bin/bash');
    expect(backupRuns(bed, host)).toEqual([]);
    expect(bed.oss.calls.filter((c) => c.method !== 'GET' && c.method !== 'HEAD').length).toBe(writes);
    expect(bed.dm.outbox).toHaveLength(mails);
  });

  it('a failed dry run says "preflight failed: <checks>", names no run and has its own code PREFLIGHT_FAILED (the host is not ready; no backup failed)', async () => {
    const host = bed.addHost();
    host.faults.agentNotRunning = true;
    const r = await invoke(host, { action: 'backup', dryRun: true });
    expect(r).toMatchObject({ status: 'failed', done: [], report: { name: null, status: 'failed', step: 'preflight' }, errors: [{ code: 'PREFLIGHT_FAILED', message: expect.stringMatching(/^ecs\.agent: /) }] });
    expect(r.summary).toMatch(/^preflight failed: ecs\.agent: /);
  });

  it('a host failure is a returned failed result with BACKUP_FAILED (not thrown, so FC does not re-run it)', async () => {
    const host = bed.addHost();
    host.faults.agentNotRunning = true;
    const r = await invoke(host, { action: 'backup' });
    expect(r).toMatchObject({ status: 'failed', errors: [{ code: 'BACKUP_FAILED', message: expect.stringContaining('Cloud Assistant agent is not running') }] });
    expect(r.summary).toMatch(/^backup \d{10}_\S+ failed at agent: Cloud Assistant agent is not running on i-gitlabbk\d+/);
    expect(r.done.find((d) => d.step.kind === 'retention')).toMatchObject({ outcome: 'skipped', detail: expect.stringMatching(/^no verified backup this run/) });
    expect(r.done.find((d) => d.step.kind === 'verify')).toMatchObject({ outcome: 'skipped', detail: 'the host run failed at agent: nothing to verify' });
  });

  it('a timer run is named by its triggerTime; FC\'s retry of that firing (same request id) is the same run (one backup, no second mail)', async () => {
    const host = bed.addHost();
    // 18:00Z on the 20th is 03:00 on the 21st in Seoul: the nightly timer's own firing, a week before the clock.
    const timer = { triggerTime: '2026-11-20T18:00:00Z', triggerName: 'nightly-backup', payload: '{"action":"backup"}' };
    const first = await invoke(host, timer, '1-first');
    const name = (first.report as BackupReport).name;
    expect(name).toMatch(/^1795197600_2026_11_21_[0-9a-z]{4}$/);
    const mails = bed.dm.outbox.length;
    const retry = await invoke(host, timer, '1-first');
    expect(retry).toMatchObject({ status: 'ok', report: { name, replayed: true } });
    expect(backupRuns(bed, host)).toHaveLength(1);
    expect(bed.dm.outbox).toHaveLength(mails);
  });

  it('a hand-made event sent twice with the same source.id is two backups; FC\'s retry of one of them (its request id) is that run', async () => {
    const host = bed.addHost();
    // source.id is caller text, not FC's task identity: it never makes a new invocation replay an old report.
    const manual = { action: 'backup', source: { kind: 'manual', id: 'ops-ticket-42' } };
    const a = (await invoke(host, manual, '1-task-a')).report as BackupReport;
    const b = (await invoke(host, manual, '1-task-b')).report as BackupReport;
    expect([a.status, b.status, a.replayed, b.replayed]).toEqual(['verified', 'verified', undefined, undefined]);
    expect(a.name).not.toBe(b.name);
    expect(backupRuns(bed, host)).toHaveLength(2);
    const mails = bed.dm.outbox.length;
    expect(await invoke(host, manual, '1-task-a')).toMatchObject({ status: 'ok', report: { name: a.name, replayed: true } });
    expect(backupRuns(bed, host)).toHaveLength(2);
    expect(bed.dm.outbox).toHaveLength(mails);
  });

  it('two manual invocations on one day are two backups; the label goes into the name (top level or in params)', async () => {
    const host = bed.addHost();
    const a = (await invoke(host, { action: 'backup', label: 'pre-upgrade' })).report as BackupReport;
    const b = (await invoke(host, { action: 'backup', params: { label: 'post-upgrade' } })).report as BackupReport;
    expect([a.status, b.status]).toEqual(['verified', 'verified']);
    expect(a.name).toMatch(/_pre-upgrade-[0-9a-z]{4}$/);
    expect(b.name).toMatch(/_post-upgrade-[0-9a-z]{4}$/);
    expect(backupRuns(bed, host)).toHaveLength(2);
  });

  it('bad params are refused before anything runs (force is gone; labels must be name-safe)', async () => {
    const host = bed.addHost();
    await expect(invoke(host, { action: 'backup', params: { force: true } })).rejects.toMatchObject({ code: 'ACTION_INVALID' });
    await expect(invoke(host, { action: 'backup', params: { label: 'Pre Upgrade' } })).rejects.toMatchObject({ code: 'ACTION_INVALID' });
    expect(await invoke(host, { action: 'backup', label: '../x' })).toMatchObject({ status: 'failed', errors: [{ code: 'ACTION_INVALID', message: expect.stringContaining('invalid label "../x"') }] });
    expect(backupRuns(bed, host)).toEqual([]);
  });

  it('missing configuration names the keys', async () => {
    const config = loadConfig({});
    const r = await handleWorker('{"action":"backup"}', { requestId: 'bk' }, { config, log: memoryLogger('warn'), clock: systemClock, ports: bed.ports });
    expect(r).toMatchObject({ status: 'failed', errors: [{ code: 'CONFIG_INVALID', message: 'backup is not configured: set BACKUP_INSTANCE_ID, OSS_BUCKET' }] });
  });
});
