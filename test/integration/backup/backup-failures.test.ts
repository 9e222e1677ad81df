import { appendFileSync, existsSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEcsPort, ECS_API_VERSION, type BackupReport } from '#shared/backup/index';
import { createOssPort } from '#shared/cloud/oss/index';
import { createRpcClient } from '#shared/cloud/pop/index';
import type { EmulatedHost } from '#local/ecs/index';
import { BUCKET, configPrefixOf, mutateAfterHost, prefixOf, startBackupBed, STS, type BackupBed } from './harness';

describe('backup failures: every Cloud Assistant outcome and every verification problem ends in a failure mail', () => {
  let bed: BackupBed;
  beforeAll(async () => {
    bed = await startBackupBed();
  });
  afterAll(async () => {
    await bed?.close();
  });

  const file = (host: EmulatedHost, name: string, suffix: string): string => join(bed.oss.bucketDir(BUCKET), suffix.endsWith('_config.tar') ? configPrefixOf(host) : prefixOf(host), `${name}${suffix}`);
  const expectFailureMail = (r: BackupReport, cause: RegExp): void => {
    expect(r.status).toBe('failed');
    expect(r.cause).toMatch(cause);
    const mail = bed.dm.outbox.at(-1)!;
    expect(mail.subject).toContain(`❌ FAIL backup ${r.name}: `);
    expect(mail.textBody).toContain(`Backup FAILED ${r.name}`);
    expect(mail.textBody).toMatch(cause);
    expect(mail.textBody).toMatch(/^pruned: none \(a run that was not verified deletes nothing\)$/m);
    expect(r.retention?.pruned).toEqual([]);
    expect(bed.dm.outbox.filter((m) => m.subject.startsWith(`✅ OK backup ${r.name}`) && m.textBody?.includes(r.instanceId))).toHaveLength(0);
    expect(r.verifiedRecord).toBeUndefined();
  };

  it.each([
    ['agent down → ClientNotRunning', (h: EmulatedHost) => (h.faults.agentNotRunning = true), 'agent', /Cloud Assistant agent is not running on i-gitlabbk\d+/],
    ['delivery fails → DeliveryTimeout', (h: EmulatedHost) => (h.faults.deliveryTimeout = true), 'deliver', /could not be delivered to i-gitlabbk\d+ \(DeliveryTimeout/],
    ['instance stopped → InstanceNotRunning', (h: EmulatedHost) => (h.status = 'Stopped'), 'deliver', /instance i-gitlabbk\d+ is not running/],
    ['gitlab-backup exits 1 → ExitCodeNonzero, failed step named', (h: EmulatedHost) => (h.faults.gitlabBackupExit = 1), 'backup', /step "backup" failed: gitlab-backup exited with 1/],
    ['mount missing → script step mount', (h: EmulatedHost) => h.setMount({ mounted: false }), 'mount', /step "mount" failed: .*not an ossfs mount/],
    ['mount without allow_other', (h: EmulatedHost) => h.setMount({ mounted: true, allowOther: false }), 'mount', /allow_other/],
  ])('%s', async (_label, arrange, step, cause) => {
    const host = bed.addHost();
    arrange(host);
    const r = await bed.run(host);
    expect(r.step).toBe(step);
    expectFailureMail(r, cause);
  });

  it('the failure mail carries the fix: the fstab line with allow_other, or BACKUP_REPAIR_MOUNT', async () => {
    const host = bed.addHost();
    host.setMount({ mounted: true, allowOther: false });
    const r = await bed.run(host);
    expect(r.fix).toBe(`add allow_other to the ossfs line in /etc/fstab (\`${BUCKET} /mnt/gitlab-backups fuse.ossfs _netdev,allow_other,url=http://oss-ap-northeast-2-internal.aliyuncs.com 0 0\`) and remount with \`umount /mnt/gitlab-backups; mount /mnt/gitlab-backups\`, or set BACKUP_REPAIR_MOUNT=true so the script remounts it from fstab`);
    expect(bed.dm.outbox.at(-1)!.textBody).toContain('fix:');
    expect(bed.dm.outbox.at(-1)!.textBody).toContain('BACKUP_REPAIR_MOUNT=true');
  });

  it('a run longer than Timeout → ExecutionTimeout, killed on the host', async () => {
    const host = bed.addHost();
    host.faults.backupSleepSeconds = 5;
    const r = await bed.run(host, { timeoutSec: 1 });
    expect(r).toMatchObject({ step: 'timeout', invocationStatus: 'Timeout', errorCode: 'ExecutionTimeout' });
    expectFailureMail(r, /ran longer than BACKUP_TIMEOUT_SECONDS \(1 s\)/);
  });

  it('the failure mail carries the last log lines of the script', async () => {
    const host = bed.addHost();
    host.faults.gitlabBackupExit = 3;
    const r = await bed.run(host);
    expect(r.logTail?.join('\n')).toContain('FAILED: gitlab-backup exited with 3');
    expect(bed.dm.outbox.at(-1)!.textBody).toContain('Last log lines');
  });

  it.each([
    ['object missing', (f: (s: string) => string) => rmSync(f('_gitlab_config.tar')), /config .*_gitlab_config\.tar is missing on OSS/],
    ['size mismatch', (f: (s: string) => string) => appendFileSync(f('_gitlab_backup.tar'), 'tampered'), /archive .* has \d+ bytes on OSS, the manifest says \d+/],
    ['stale object', (f: (s: string) => string) => utimesSync(f('_gitlab_backup.tar'), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z')), /_gitlab_backup\.tar is stale: last modified 2026-01-01/],
    ['manifest missing', (f: (s: string) => string) => rmSync(f('_gitlab_backup.manifest.json')), /manifest .* is missing on OSS/],
  ])('verification: %s → failure mail, no "success", no verified record', async (_label, mutate, cause) => {
    const host = bed.addHost();
    const ecs = mutateAfterHost(bed, (name) => mutate((s) => file(host, name, s)));
    const report = await bed.run(host, { ecs });
    expect(report.step).toBe('verify-oss');
    expectFailureMail(report, cause);
    expect(existsSync(file(host, join('verified', report.name), '.json'))).toBe(false);
  });

  it('wrong ECS secret → SignatureDoesNotMatch as a clear, non-retryable error before anything starts', async () => {
    const host = bed.addHost();
    const bad = () => ({ ...STS, accessKeySecret: 'wrong' });
    const ecs = createEcsPort(createRpcClient({ endpoint: bed.ecs.url, apiVersion: ECS_API_VERSION, credentials: bad, retry: false }), 'ap-northeast-2');
    await expect(bed.run(host, { ecs })).rejects.toMatchObject({ code: 'POP_API', retryable: false, message: expect.stringContaining('SignatureDoesNotMatch') });
    expect(bed.ecs.invocations.some((i) => i.instanceId === host.instanceId)).toBe(false);
  });

  it('wrong OSS secret → SignatureDoesNotMatch with a hint, not retryable', async () => {
    const host = bed.addHost();
    const oss = createOssPort({ bucket: BUCKET, region: 'ap-northeast-2', endpoint: bed.oss.url, credentials: () => ({ ...STS, accessKeySecret: 'wrong' }) });
    await expect(bed.run(host, { oss })).rejects.toMatchObject({ code: 'OSS_API', retryable: false, message: expect.stringMatching(/SignatureDoesNotMatch — the AccessKey secret does not match/) });
  });

  it('OSS 503 before RunCommand → retryable error (FC may retry: nothing started)', async () => {
    const host = bed.addHost();
    const off = bed.oss.faults.add({ method: 'GET', status: 503, body: '<Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>', headers: { 'content-type': 'application/xml' } });
    try {
      await expect(bed.run(host)).rejects.toMatchObject({ code: 'OSS_API', retryable: true });
    } finally {
      off();
    }
    expect(bed.ecs.invocations.some((i) => i.instanceId === host.instanceId)).toBe(false);
  });
});
