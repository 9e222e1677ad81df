import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleWorker } from '../../../functions/ops-worker/handler';
import type { BackupReport } from '#shared/backup/index';
import { loadConfig } from '#shared/config/index';
import { createKubePort, type KubePort } from '#shared/kube/index';
import { memoryLogger } from '#shared/log/index';
import { systemClock, type Clock } from '#shared/runtime/index';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { BUCKET, backupRuns, prefixOf, startBackupBed, type BackupBed } from '../backup/harness';
import { simClock, startChannelBed, type ChannelBed } from './channels-harness';

const T0 = new Date('2026-12-01T00:00:00Z');
const H = 3_600_000;

describe('backup events and the watchdog condition, through the worker, on every channel', () => {
  let bed: BackupBed;
  let chat: ChannelBed;
  let kube: KubeEmulator;
  let port: KubePort;
  // Backups run real bash on the emulated host: real time. The watchdog's day is simulated. The DingTalk robot checks
  // signatures against whichever clock the worker runs on.
  const sim = simClock(T0);
  let clock: Clock = systemClock;
  beforeAll(async () => {
    bed = await startBackupBed();
    chat = await startChannelBed(() => clock.now());
    kube = await startKubeEmulator();
    port = createKubePort({ kubeconfigYaml: kube.kubeconfig, retryBaseMs: 1 });
  });
  afterAll(async () => {
    await chat?.close();
    await bed?.close();
    await kube?.close();
  });

  const channels = new Map<Clock, ReturnType<ChannelBed['channels']>>();
  const channelsOf = (c: Clock) => channels.get(c) ?? channels.set(c, chat.channels(c)).get(c)!;
  const invoke = (event: object, env: Record<string, string>, requestId = `1-${clock.now().getTime()}-${Math.random()}`) =>
    handleWorker(JSON.stringify(event), { requestId, function: { timeout: 120 } }, {
      config: loadConfig({ OSS_BUCKET: BUCKET, ...chat.env, ...env }),
      log: memoryLogger('error'),
      clock,
      ports: { ...bed.ports, kube: port, channels: channelsOf(clock) },
    });

  it('a failed backup whose report no channel can take fails the invocation (FC retries); the retry re-sends the report only', async () => {
    const host = bed.addHost();
    host.faults.gitlabBackupExit = 1;
    const env = { BACKUP_INSTANCE_ID: host.instanceId, OSS_PREFIX: prefixOf(host), BACKUP_TIMEOUT_SECONDS: '60' };
    const timer = { triggerTime: '2026-11-30T18:00:00Z', triggerName: 'nightly-backup', payload: '{"action":"backup"}' };
    const offs = [
      chat.dm.faults.add({ path: 'SingleSendMail', status: 503, body: { Code: 'ServiceUnavailable', Message: 'down' } }),
      chat.dingtalk.faults.add({ path: '^/robot/send$', status: 503, body: 'down' }),
      chat.slack.faults.add({ path: '^/services/', status: 500, body: 'rollup_error' }),
    ];
    const before = chat.counts();
    await expect(invoke(timer, env, '1-first')).rejects.toMatchObject({ code: 'MAIL', retryable: true, message: expect.stringMatching(/could not be mailed or sent on any channel.*re-send the report, not the backup/) });
    for (const off of offs) off();
    const retry = await invoke(timer, env, '1-first'); // FC's retry of the task: its request id
    expect(retry).toMatchObject({ status: 'failed', report: { replayed: true, mail: { sent: true, attempts: 2, channels: { mail: 'sent', dingtalk: 'sent', slack: 'sent' } } } });
    expect(backupRuns(bed, host)).toHaveLength(1);
    expect(chat.counts()).toEqual({ mail: before.mail + 1, dingtalk: before.dingtalk + 1, slack: before.slack + 1 });
    expect(chat.slack.outbox.at(-1)!.text).toContain(`❌ FAIL backup ${(retry.report as BackupReport).name}`);
  });

  it('one channel down for a failed backup: the others tell, the invocation does not fail', async () => {
    const host = bed.addHost();
    host.faults.gitlabBackupExit = 1;
    const off = chat.slack.faults.add({ path: '^/services/', status: 500, body: 'rollup_error' });
    try {
      const r = await invoke({ action: 'backup' }, { BACKUP_INSTANCE_ID: host.instanceId, OSS_PREFIX: prefixOf(host), BACKUP_TIMEOUT_SECONDS: '60' });
      expect(r).toMatchObject({ status: 'failed', report: { mail: { sent: true, channels: { mail: 'sent', dingtalk: 'sent', slack: 'failed' } } } });
      expect(r.done.find((d) => d.step.kind === 'notify')).toMatchObject({ outcome: 'applied', detail: expect.stringContaining('slack: Slack refused the message (HTTP 500 rollup_error)') });
    } finally {
      off();
    }
  });

  it('a standing RPO breach over a simulated day of hourly watchdogs → 1 message; a reminder after 24 h; resolved once', async () => {
    clock = sim;
    const prefix = 'wdday/';
    const dir = join(bed.oss.bucketDir(BUCKET), prefix);
    mkdirSync(join(dir, 'verified'), { recursive: true });
    const put = (n: string, createdAt: Date) => {
      for (const s of ['_gitlab_backup.tar', '_gitlab_config.tar']) writeFileSync(join(dir, `${n}${s}`), Buffer.alloc(100));
      writeFileSync(join(dir, `${n}_gitlab_backup.manifest.json`), '{}');
      writeFileSync(join(dir, 'verified', `${n}.json`), JSON.stringify({ schema: 'gitlab-ask-ops/verified@1', name: n, createdAt: createdAt.toISOString(), verifiedAt: createdAt.toISOString() }));
    };
    put('1764500000_2026_11_30_aaaa', new Date(T0.getTime() - 30 * H));
    const env = { OSS_PREFIX: prefix, BACKUP_RPO_HOURS: '26' };
    const told: number[] = [];
    for (let h = 0; h < 24; h++) {
      const before = chat.counts().mail;
      const r = await invoke({ action: 'watchdog' }, env);
      expect(r.status).toBe('failed');
      told.push(chat.counts().mail - before);
      sim.advance(H);
    }
    expect(told).toEqual([1, ...Array<number>(23).fill(0)]);
    expect(chat.dingtalk.outbox.filter((m) => m.title?.includes('watchdog'))).toHaveLength(1);
    const before = chat.counts();
    await invoke({ action: 'watchdog' }, env);
    expect(chat.counts()).toEqual({ mail: before.mail + 1, dingtalk: before.dingtalk + 1, slack: before.slack + 1 });
    expect(chat.dm.outbox.at(-1)!.subject).toMatch(/^\[gitlab-ask-ops\] ❌ FAIL reminder watchdog …kups\/wdday\/: no verified backup in 54 h \(RPO 26 h\)/);
    sim.advance(H);
    put('1764600000_2026_12_02_bbbb', sim.now());
    const ok = await invoke({ action: 'watchdog' }, env);
    expect(ok).toMatchObject({ status: 'ok', report: { notify: { delivered: true, findings: { resolved: 1 } } } });
    expect(chat.dm.outbox.at(-1)!.subject).toMatch(/^\[gitlab-ask-ops\] ☑️ RESOLVED watchdog .*: newest verified backup 0 h old \(RPO 26 h\)/);
    const quiet = chat.counts();
    sim.advance(H);
    expect(await invoke({ action: 'watchdog' }, env)).toMatchObject({ status: 'ok', plan: [] });
    expect(chat.counts()).toEqual(quiet);
  });
});
