import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupNameFor } from '#shared/backup/index';
import { BUCKET, prefixOf, startBackupBed, type BackupBed } from './harness';

describe('backup orchestration against the OSS + ECS + DirectMail emulators', () => {
  let bed: BackupBed;
  beforeAll(async () => {
    bed = await startBackupBed();
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('runs the script, verifies on OSS, writes the verified record, mails success; a second trigger reports it', async () => {
    const host = bed.addHost();
    const r = await bed.run(host);
    expect(r).toMatchObject({ status: 'verified', name: backupNameFor(new Date()), attached: false, backupsKept: 1 });
    expect(r.files?.map((f) => [f.kind, f.sha256])).toEqual([['manifest', 'size-only'], ['archive', 'match'], ['config', 'match']]);
    expect(r.files?.find((f) => f.kind === 'archive')?.crc64).toMatch(/^\d+$/);
    const record = join(bed.oss.bucketDir(BUCKET), prefixOf(host), 'verified', `${r.name}.json`);
    expect(JSON.parse(readFileSync(record, 'utf8'))).toMatchObject({ name: r.name, instanceId: host.instanceId });
    const mail = bed.dm.outbox.at(-1)!;
    expect(mail.subject).toContain(`Backup verified ${r.name}`);
    expect(mail.textBody).toContain('_gitlab_backup.tar');

    const invocations = bed.ecs.invocations.length;
    const mails = bed.dm.outbox.length;
    const again = await bed.run(host);
    expect(again).toMatchObject({ status: 'already-verified', name: r.name });
    expect(bed.ecs.invocations).toHaveLength(invocations);
    expect(bed.dm.outbox).toHaveLength(mails);
  });

  it('a second trigger while the first still runs follows the same invocation instead of starting another', async () => {
    const host = bed.addHost();
    host.faults.backupSleepSeconds = 1;
    const first = bed.run(host);
    await expect.poll(() => bed.ecs.invocations.filter((i) => i.instanceId === host.instanceId).length).toBe(1);
    const second = await bed.run(host);
    expect(second).toMatchObject({ attached: true, status: 'verified' });
    expect((await first).invokeId).toBe(second.invokeId);
    expect(bed.ecs.invocations.filter((i) => i.instanceId === host.instanceId)).toHaveLength(1);
  });

  it('dry run returns the plan and the script without calling anything', async () => {
    const host = bed.addHost();
    const before = bed.oss.calls.length;
    const r = await bed.run(host, { dryRun: true });
    expect(r.status).toBe('planned');
    expect(r.script?.text).toContain(`RUN_NAME='${r.name}'`);
    expect(r.script!.base64Bytes).toBeLessThanOrEqual(24 * 1024);
    expect(bed.oss.calls.length).toBe(before);
    expect(bed.ecs.invocations.some((i) => i.instanceId === host.instanceId)).toBe(false);
  });

  it('stops polling at the worker deadline and reports the run as still going (no throw, no retry)', async () => {
    const host = bed.addHost();
    host.faults.backupSleepSeconds = 2;
    const r = await bed.run(host, { deadline: new Date(Date.now() + 300) });
    expect(r).toMatchObject({ status: 'running', step: 'poll' });
    expect(r.cause).toMatch(/still (Pending|Running) on i-gitlabbk\d+ when the worker reached its deadline/);
    expect(bed.dm.outbox.at(-1)!.subject).toContain('Backup not finished');
    expect(existsSync(join(bed.oss.bucketDir(BUCKET), prefixOf(host), 'verified', `${r.name}.json`))).toBe(false);
  });
  it('a mail failure is recorded on the report and never turns a verified backup into a failure', async () => {
    const host = bed.addHost();
    const off = bed.dm.faults.add({ path: 'SingleSendMail', status: 400, body: { RequestId: 'R', HostId: 'dm.aliyuncs.com', Code: 'InvalidMailAddress.NotFound', Message: 'The specified mail address is not found.' } });
    try {
      const r = await bed.run(host);
      expect(r).toMatchObject({ status: 'verified', mail: { sent: false, detail: expect.stringContaining('InvalidMailAddress.NotFound') } });
    } finally {
      off();
    }
  });
});
