import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleWorker } from '../../../functions/ops-worker/handler';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import { systemClock } from '#shared/runtime/index';
import type { EmulatedHost } from '#local/ecs/index';
import { BUCKET, prefixOf, startBackupBed, type BackupBed } from './harness';

describe('backup action through the worker handler (result mapping for FC)', () => {
  let bed: BackupBed;
  beforeAll(async () => {
    bed = await startBackupBed();
  });
  afterAll(async () => {
    await bed?.close();
  });

  const invoke = (host: EmulatedHost, event: object) => {
    const config = loadConfig({ BACKUP_INSTANCE_ID: host.instanceId, OSS_BUCKET: BUCKET, OSS_PREFIX: prefixOf(host), BACKUP_TIMEOUT_SECONDS: '60' });
    return handleWorker(JSON.stringify(event), { requestId: 'bk', function: { timeout: 120 } }, { config, log: memoryLogger('warn'), clock: systemClock, ports: bed.ports });
  };

  it('dryRun returns the plan (run command, verify, retention, mail) and the script, and touches nothing', async () => {
    const host = bed.addHost();
    const r = await invoke(host, { action: 'backup', dryRun: true });
    expect(r).toMatchObject({ action: 'backup', dryRun: true, status: 'ok', done: [] });
    expect(r.plan.map((s) => s.kind)).toEqual(['run-command', 'verify', 'retention', 'mail']);
    expect((r.report as { script: { text: string } }).script.text).toMatch(/^#!\/bin\/bash/);
    expect(bed.ecs.invocations.some((i) => i.instanceId === host.instanceId)).toBe(false);
  });

  it('a host failure is a returned failed result with BACKUP_FAILED (not thrown, so FC does not re-run it)', async () => {
    const host = bed.addHost();
    host.faults.agentNotRunning = true;
    const r = await invoke(host, { action: 'backup' });
    expect(r).toMatchObject({ status: 'failed', errors: [{ code: 'BACKUP_FAILED', message: expect.stringContaining('Cloud Assistant agent is not running') }] });
    expect(r.summary).toMatch(/^backup \d{10}_\S+ failed at agent: Cloud Assistant agent is not running on i-gitlabbk\d+/);
  });

  it('a timer run (or a late FC retry of it) names the night by triggerTime, not by the clock at invocation', async () => {
    const host = bed.addHost();
    // 18:00Z on the 20th is 03:00 on the 21st in Seoul: the nightly timer's own firing, a week before the clock.
    const timer = { triggerTime: '2026-11-20T18:00:00Z', triggerName: 'nightly-backup', payload: '{"action":"backup","dryRun":true}' };
    const r = await invoke(host, timer);
    expect((r.report as { name: string }).name).toMatch(/^\d{10}_2026_11_21(_|$)/);
  });

  it('bad params are refused before anything runs', async () => {
    const host = bed.addHost();
    await expect(invoke(host, { action: 'backup', params: { runDate: 'yesterday' } })).rejects.toMatchObject({ code: 'ACTION_INVALID' });
  });

  it('missing configuration names the keys', async () => {
    const config = loadConfig({});
    const r = await handleWorker('{"action":"backup"}', { requestId: 'bk' }, { config, log: memoryLogger('warn'), clock: systemClock, ports: bed.ports });
    expect(r).toMatchObject({ status: 'failed', errors: [{ code: 'CONFIG_INVALID', message: 'backup is not configured: set BACKUP_INSTANCE_ID, OSS_BUCKET' }] });
  });
});
