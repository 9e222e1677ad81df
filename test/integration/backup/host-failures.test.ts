import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKUP_SCRIPT_CONFIG } from '#shared/backup/script/index';
import { backupRuns, configPrefixOf, prefixOf, startBackupBed, type BackupBed } from './harness';

let bed: BackupBed;
beforeAll(async () => {
  bed = await startBackupBed();
});
afterAll(() => bed.close());

const scriptOf = (host: Parameters<typeof prefixOf>[0], over: Partial<typeof DEFAULT_BACKUP_SCRIPT_CONFIG> = {}) => ({ ...DEFAULT_BACKUP_SCRIPT_CONFIG, ossPrefix: prefixOf(host), configPrefix: configPrefixOf(host), timeoutSec: 60, ...over });

describe('the backup action against the host\'s real-tool behaviours (ADR 0022)', () => {
  it('RunCommand goes out with TerminationMode=ProcessTree; a backup killed by its Timeout leaves nothing behind and the next run is verified (not already_running)', async () => {
    const host = bed.addHost();
    host.faults = { backupHang: 'term' };
    // The script believes it has 60 s; RunCommand's Timeout is 2 s: the agent kills it, as on a host whose
    // BACKUP_TIMEOUT_SECONDS is too short for tonight's backup.
    const killed = await bed.run(host, { timeoutSec: 2, script: scriptOf(host, { timeoutSec: 60 }) });
    expect(killed).toMatchObject({ status: 'failed', step: 'timeout', invocationStatus: 'Timeout', errorCode: 'ExecutionTimeout' });
    expect(killed.fix).toMatch(/raise BACKUP_TIMEOUT_SECONDS/);
    expect(backupRuns(bed, host).map((i) => i.terminationMode)).toEqual(['ProcessTree']);
    expect(host.processes()).toEqual([host.ossfsPid()]);
    host.faults = {};
    const next = await bed.run(host);
    expect(next, next.cause).toMatchObject({ status: 'verified' });
  });

  it('a 120 GiB (virtual) archive with ossfs\' default parts: the run fails before the copy and the preflight then fails too, both with `-o multipart_size=…`', async () => {
    const host = bed.addHost();
    host.faults = { archiveGiB: 120 };
    const run = await bed.run(host);
    expect(run).toMatchObject({ status: 'failed', step: 'copy' });
    expect(run.cause).toMatch(/needs multipart_size=25 .*ossfs cannot store a file this large/);
    expect(run.fix).toMatch(/add `-o multipart_size=25` to the mount — in \/etc\/fstab `gitlab-backups \/mnt\/gitlab-backups fuse\.ossfs _netdev,allow_other,url=http:\/\/oss-ap-northeast-2-internal\.aliyuncs\.com,multipart_size=25 0 0`/);
    host.faults = {};
    // The staged archive is still on the host (the next run removes it): the preflight measures against it.
    const dry = await bed.run(host, { dryRun: true });
    const parts = dry.preflight!.find((c) => c.id === 'host.ossfs-parts')!;
    expect(parts).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^multipart_size=10 MB × 10000 parts = 97\.7 GiB per file < 2 × last archive 120\.0 GiB/) });
    expect(parts.fix).toMatch(/-o multipart_size=25/);
    expect(dry).toMatchObject({ status: 'failed', step: 'preflight' });
    // With the part size the fix names, the same check passes.
    host.setFstab({ allowOther: true, multipartSizeMB: 25 });
    expect((await bed.run(host, { dryRun: true })).preflight!.find((c) => c.id === 'host.ossfs-parts')).toMatchObject({ status: 'ok' });
  });

  it('gitlab-backup exiting 193: the host stays up, the run fails with GitLab\'s own words as the cause', async () => {
    const host = bed.addHost();
    host.faults = { gitlabBackupExit: 193 };
    const r = await bed.run(host);
    expect(r).toMatchObject({ status: 'failed', step: 'backup', invocationStatus: 'Failed' });
    expect(r.cause).toMatch(/gitlab-backup exited with 193; GitLab said: Dumping database failed: pg_dump: error: connection to server/);
    expect(bed.ecs.invocations.find((i) => i.invokeId === r.invokeId)?.exitCode).toBe(1);
    expect(host.status).toBe('Running');
    expect(host.powerEvents).toEqual([]);
    expect(r.mail?.sent).toBe(true);
  });

  it('direct mode with backup_keep_time set is refused in the preflight, and by the run itself', async () => {
    const host = bed.addHost();
    host.setGitlabRb('backup_keep_time', '604800');
    const direct = scriptOf(host, { mode: 'direct' });
    const dry = await bed.run(host, { dryRun: true, script: direct });
    expect(dry.preflight!.find((c) => c.id === 'host.keep-time')).toMatchObject({ status: 'failed', fix: expect.stringMatching(/backup_keep_time'\] = 0/) });
    expect(dry.status).toBe('failed');
    const run = await bed.run(host, { script: direct });
    expect(run).toMatchObject({ status: 'failed', step: 'space' });
    expect(run.cause).toMatch(/backup_keep_time is 604800: GitLab would prune the mount/);
  });
});
