import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecordKey } from '#shared/backup/index';
import { OWNER_WAIT_MS } from '#shared/backup/orchestrate/report-run';
import { BUCKET, backupRuns, newRunKey, prefixOf, startBackupBed, type BackupBed } from './harness';

describe('backup orchestration against the OSS + ECS + DirectMail emulators', () => {
  let bed: BackupBed;
  beforeAll(async () => {
    bed = await startBackupBed();
  });
  afterAll(async () => {
    await bed?.close();
  });
  const inBucket = (...p: string[]) => join(bed.oss.bucketDir(BUCKET), ...p);

  it('runs the script, verifies on OSS, writes the verified record with its times, mails success', async () => {
    const host = bed.addHost();
    const before = Date.now();
    const r = await bed.run(host);
    expect(r).toMatchObject({ status: 'verified', attached: false, backupsKept: 1, retention: { pruned: [] } });
    expect(r.name).toMatch(/^\d{10}_\d{4}_\d{2}_\d{2}_[0-9a-z]{4}$/);
    expect(r.files?.map((f) => [f.kind, f.sha256])).toEqual([['manifest', 'size-only'], ['archive', 'match'], ['config', 'match']]);
    const record = JSON.parse(readFileSync(inBucket(prefixOf(host), 'verified', `${r.name}.json`), 'utf8')) as Record<string, string>;
    expect(record).toMatchObject({ name: r.name, instanceId: host.instanceId, schema: 'gitlab-ask-ops/verified@1' });
    // createdAt is when the host started the backup (seconds), verifiedAt when we checked it: both just now.
    expect(Date.parse(record.createdAt!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(record.verifiedAt!)).toBeGreaterThanOrEqual(Date.parse(record.createdAt!));
    const mail = bed.dm.outbox.at(-1)!;
    expect(mail.subject).toMatch(new RegExp(`^✅ OK backup ${r.name}: \\d+(\\.\\d)? KiB, 1 verified kept, 0 pruned`));
    expect(mail.textBody).toContain(`Backup verified ${r.name}`);
    expect(mail.textBody).toMatch(/^pruned: none$/m);
  });

  it('one invocation = one backup: two invocations (two run keys) are two backups with two names', async () => {
    const host = bed.addHost();
    const a = await bed.run(host);
    const b = await bed.run(host);
    expect([a.status, b.status]).toEqual(['verified', 'verified']);
    expect(a.name).not.toBe(b.name);
    expect(backupRuns(bed, host)).toHaveLength(2);
    expect(b.backupsKept).toBe(2);
  });

  it('an FC retry of the same task after it reported gets that report again: no RunCommand, no mail', async () => {
    const host = bed.addHost();
    const runKey = newRunKey();
    const first = await bed.run(host, { runKey });
    const mails = bed.dm.outbox.length;
    const again = await bed.run(host, { runKey });
    expect(again).toMatchObject({ status: 'verified', name: first.name, replayed: true, invokeId: first.invokeId });
    expect(backupRuns(bed, host)).toHaveLength(1);
    expect(bed.dm.outbox).toHaveLength(mails);
    expect(existsSync(inBucket(runRecordKey(prefixOf(host), runKey)))).toBe(true);
  });

  it('an FC retry while the first attempt still runs follows the same invocation instead of starting another', async () => {
    const host = bed.addHost();
    host.faults.backupSleepSeconds = 1;
    const runKey = newRunKey();
    const first = bed.run(host, { runKey });
    await expect.poll(() => backupRuns(bed, host).length).toBe(1);
    const mails = bed.dm.outbox.length;
    const second = await bed.run(host, { runKey });
    const done = await first;
    expect(second).toMatchObject({ status: 'verified', name: done.name });
    expect(done.invokeId).toBe(second.invokeId);
    expect(backupRuns(bed, host)).toHaveLength(1);
    // Whichever attempt reports second stays quiet: one success mail for one backup.
    expect([done.replayed, second.replayed].filter(Boolean)).toHaveLength(1);
    expect(bed.dm.outbox.filter((m) => m.subject.startsWith(`✅ OK backup ${done.name}:`))).toHaveLength(1);
    expect(bed.dm.outbox.length).toBe(mails + 1);
  });

  it('an attempt that loses the verified-record claim waits for the owner\'s report; an owner that never reports → it reports itself, once', async () => {
    const host = bed.addHost();
    // Another attempt of this run writes the verified record first (create-only: x-oss-forbid-overwrite), then dies.
    let lost = false;
    const oss = { ...bed.ports.oss, putJsonIfAbsent: async (key: string, value: unknown) => (await bed.ports.oss.putJsonIfAbsent(key, value), (lost = true), bed.ports.oss.putJsonIfAbsent(key, value)) };
    // Real time while the host runs; once the claim is lost, sleeps pass instantly (the owner's wait is 60 s).
    let offset = 0;
    const slept: number[] = [];
    const clock = {
      now: () => new Date(Date.now() + offset),
      sleep: async (ms: number) => (lost ? void (slept.push(ms), (offset += ms)) : new Promise<void>((res) => setTimeout(res, ms))),
    };
    const mails = bed.dm.outbox.length;
    const r = await bed.run(host, { oss, clock });
    expect(r).toMatchObject({ status: 'verified', recordedByOther: true });
    expect(r.replayed).toBeUndefined();
    // It waited OWNER_WAIT_MS (in 1 s polls of the run record), then told: exactly one mail for the one backup.
    expect(slept.reduce((a, b) => a + b, 0)).toBe(OWNER_WAIT_MS);
    expect(bed.dm.outbox.length).toBe(mails + 1);
    expect(bed.log.lines.some((l) => l.msg === 'the attempt that recorded this run did not report it in time: reporting here')).toBe(true);
  });

  it('at the worker deadline it throws (retryable) after a "not finished" mail; FC\'s retry follows the same invocation', async () => {
    const host = bed.addHost();
    host.faults.backupSleepSeconds = 2;
    const runKey = newRunKey();
    await expect(bed.run(host, { runKey, deadline: new Date(Date.now() + 300) })).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(bed.dm.outbox.at(-1)!.subject).toMatch(/^⚠️ WARN backup \S+: still running/);
    expect(bed.dm.outbox.at(-1)!.textBody).toContain('Backup not finished');
    const retry = await bed.run(host, { runKey });
    expect(retry).toMatchObject({ status: 'verified', attached: true });
    expect(backupRuns(bed, host)).toHaveLength(1);
  });

  it('a label goes into the name, the manifest and the verified record', async () => {
    const host = bed.addHost();
    const r = await bed.run(host, { label: 'pre-upgrade' });
    expect(r).toMatchObject({ status: 'verified', label: 'pre-upgrade' });
    expect(r.name).toMatch(/_pre-upgrade-[0-9a-z]{4}$/);
    expect(JSON.parse(readFileSync(inBucket(prefixOf(host), `${r.name}_gitlab_backup.manifest.json`), 'utf8'))).toMatchObject({ label: 'pre-upgrade' });
    expect(JSON.parse(readFileSync(inBucket(prefixOf(host), 'verified', `${r.name}.json`), 'utf8'))).toMatchObject({ label: 'pre-upgrade' });
  });

  it('a mail failure is recorded on the report and never turns a verified backup into a failure', async () => {
    const host = bed.addHost();
    const off = bed.dm.faults.add({ path: 'SingleSendMail', status: 400, body: { RequestId: 'R', HostId: 'dm.aliyuncs.com', Code: 'InvalidMailAddress.NotFound', Message: 'The specified mail address is not found.' } });
    try {
      const r = await bed.run(host);
      expect(r).toMatchObject({ status: 'verified', mail: { sent: false, failed: true, detail: expect.stringContaining('InvalidMailAddress.NotFound') } });
    } finally {
      off();
    }
  });

  it('when every mail attempt for a FAILED backup fails, it throws (retryable); the retry re-sends the report, not the backup', async () => {
    const host = bed.addHost();
    host.faults.gitlabBackupExit = 1;
    const runKey = newRunKey();
    const off = bed.dm.faults.add({ path: 'SingleSendMail', status: 400, body: { Code: 'InvalidMailAddress.NotFound', Message: 'The specified mail address is not found.' } });
    await expect(bed.run(host, { runKey })).rejects.toMatchObject({ code: 'MAIL', retryable: true, message: expect.stringMatching(/failed and its report could not be mailed.*re-send the report, not the backup/) });
    off();
    const mails = bed.dm.outbox.length;
    const retry = await bed.run(host, { runKey });
    expect(retry).toMatchObject({ status: 'failed', step: 'backup', replayed: true, mail: { sent: true, attempts: 2 } });
    expect(bed.dm.outbox).toHaveLength(mails + 1);
    expect(bed.dm.outbox.at(-1)!.subject).toContain(`❌ FAIL backup ${retry.name}: 0 verified kept — failed at`);
    expect(backupRuns(bed, host)).toHaveLength(1);
    // A new invocation is a new backup, never the old failure replayed.
    host.faults = {};
    const fresh = await bed.run(host);
    expect(fresh).toMatchObject({ status: 'verified' });
    expect(fresh.name).not.toBe(retry.name);
    expect(fresh.replayed).toBeUndefined();
  });
});
