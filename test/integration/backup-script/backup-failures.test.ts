import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupScriptConfig } from '#shared/backup/script/index';
import type { EmulatedHost, EmulatedHostOptions, HostFaults } from '#local/ecs/index';
import { addHost, backupsIn, nameDaysAgo, runBackup, seedBackup, startBed, type Bed } from './harness';

let bed: Bed;
beforeAll(async () => {
  bed = await startBed();
});
afterAll(() => bed.close());

interface Case {
  title: string;
  host?: Partial<EmulatedHostOptions>;
  faults?: HostFaults;
  /** Change the host's files before the run. */
  prepare?: (host: EmulatedHost) => void;
  cfg?: Partial<BackupScriptConfig>;
  step: string;
  error: string;
  message: RegExp;
}

// No failure deletes anything: the older backups (far past any retention) are all still there, and this run's own
// copies on the mount are left for the worker (it reports them and removes them only after a verified backup).
const cases: Case[] = [
  { title: 'not mounted (no repair)', host: { mounted: false }, step: 'mount', error: 'not_mounted', message: /\/mnt\/gitlab-backups is not an ossfs mount \(found ext4\)/ },
  { title: 'mounted without allow_other (no repair)', host: { allowOther: false }, step: 'mount', error: 'no_allow_other', message: /without allow_other/ },
  { title: 'without allow_other, repair on, but fstab lacks it too', host: { allowOther: false, fstab: { allowOther: false } }, cfg: { repairMount: true }, step: 'mount', error: 'no_allow_other', message: /without allow_other/ },
  { title: 'not mounted, repair on, mount fails', host: { mounted: false }, faults: { mountFails: 'fuse: device not found' }, cfg: { repairMount: true }, step: 'mount', error: 'mount_failed', message: /mount \/mnt\/gitlab-backups from fstab failed/ },
  { title: 'not mounted, repair on, no fstab entry', host: { mounted: false, fstab: false }, cfg: { repairMount: true }, step: 'mount', error: 'mount_failed', message: /from fstab failed/ },
  { title: 'stale mount (crashed ossfs, no repair)', prepare: (h) => h.breakMount(), step: 'mount', error: 'mount_stale', message: /does not answer/ },
  { title: 'disk full', faults: { diskFreeKiB: 1024 }, step: 'space', error: 'disk_full', message: /only 1024 KiB free in \/var\/opt\/gitlab\/backups/ },
  { title: 'gitlab-backup exits non-zero', faults: { gitlabBackupExit: 1 }, step: 'backup', error: 'gitlab_backup_failed', message: /gitlab-backup exited with 1/ },
  { title: 'copy fails (mount read-only)', faults: { copyFails: 'readonly' }, step: 'copy', error: 'copy_failed', message: /copying .*_gitlab_backup.tar onto/ },
  { title: 'copy fails (FUSE I/O error)', faults: { copyFails: 'eio' }, step: 'copy', error: 'copy_failed', message: /onto \/mnt\/gitlab-backups/ },
  { title: 'gitlab-secrets.json missing (a restore would lose 2FA and CI variables)', prepare: (h) => rmSync(h.path('/etc/gitlab/gitlab-secrets.json')), step: 'config', error: 'config_missing', message: /\/etc\/gitlab\/gitlab-secrets.json not found/ },
  { title: 'staging dir is not backup_path (archive not where expected)', cfg: { stagingDir: '/srv/elsewhere' }, prepare: (h) => { mkdirSync(h.path('/srv/elsewhere'), { recursive: true }); h.setOwner('/srv/elsewhere', 'git:git', 0o700); }, step: 'backup', error: 'archive_missing', message: /is backup_path \/srv\/elsewhere\?/ },
  { title: 'listing check fails before any copy (corrupt tar)', faults: { corruptArchive: true }, step: 'list', error: 'listing_failed', message: /tar -tf of the archive failed/ },
  { title: 'gitlab-backup exits 193: the script exits 1 (never the agent\'s power-off code)', faults: { gitlabBackupExit: 193 }, step: 'backup', error: 'gitlab_backup_failed', message: /gitlab-backup exited with 193; GitLab said: Dumping database failed/ },
  { title: 'gitlab-backup SIGKILLed long before the deadline (the OOM killer: 137): gitlab_backup_failed with the code, not step_timeout', faults: { gitlabBackupExit: 137 }, step: 'backup', error: 'gitlab_backup_failed', message: /^gitlab-backup exited with 137(;|$)/ },
  { title: 'gitlab-backup wrapper exits 2 without its rc file', prepare: (h) => rmSync(h.path('/opt/gitlab/etc/gitlab-rails-rc')), step: 'backup', error: 'gitlab_backup_failed', message: /exited with 2; GitLab said: .*could not load \/opt\/gitlab\/etc\/gitlab-rails-rc/ },
  { title: 'staging dir owned by root, mode 0700: git cannot write it', prepare: (h) => h.setOwner('/var/opt/gitlab/backups', 'root:root', 0o700), step: 'space', error: 'staging_not_writable', message: /\/var\/opt\/gitlab\/backups is root:root 700: git cannot write it/ },
  { title: 'direct mode with backup_keep_time set', host: { backupPath: '/mnt/gitlab-backups/fail-keep' }, prepare: (h) => h.setGitlabRb('backup_keep_time', '604800'), cfg: { mode: 'direct' }, step: 'space', error: 'keep_time_set', message: /backup_keep_time is 604800/ },
  { title: 'a 120 GiB archive with ossfs\' default 10 MB parts is refused before the copy', faults: { archiveGiB: 120 }, step: 'copy', error: 'archive_too_large', message: /128849018880 bytes; ossfs with multipart_size=10 takes at most 100000 MiB; needs multipart_size=25/ },
  { title: 'ossfs mounted by hand with default parts while fstab says 200: EFBIG from ossfs itself', host: { fstab: { allowOther: true, multipartSizeMB: 200 } }, faults: { archiveGiB: 120 }, step: 'copy', error: 'archive_too_large', message: /ossfs refused .*_gitlab_backup.tar: File too large; needs multipart_size=25/ },
  { title: 'direct mode, 120 GiB: GitLab\'s own pack onto the mount meets the part limit; the cause names multipart_size', host: { backupPath: '/mnt/gitlab-backups/direct-big' }, faults: { archiveGiB: 120 }, cfg: { mode: 'direct', ossPrefix: 'direct-big/' }, step: 'backup', error: 'archive_too_large', message: /^GitLab could not write the archive onto the mount \(part limit\?\); needs multipart_size=21 or more$/ },
  { title: 'direct mode on ossfs 2.x: a failed pack is not blamed on a part size the script cannot read (it may be set in ossfs2\'s own file); GitLab\'s words are the cause', host: { ossfs2: true, backupPath: '/mnt/gitlab-backups/direct-big2' }, prepare: (h) => h.setMount({ mounted: true, options: ['upload_buffer_size=33554432'] }), faults: { archiveGiB: 400 }, cfg: { mode: 'direct', ossPrefix: 'direct-big2/' }, step: 'backup', error: 'gitlab_backup_failed', message: /Creating archive .* failed/ },
  { title: 'ossfs 2.x: no 1.x multipart_size rule before the copy (a 16 MiB upload_buffer_size takes 120 GiB); the copy\'s own failure is reported', host: { ossfs2: true }, prepare: (h) => h.setMount({ mounted: true, options: ['upload_buffer_size=16777216'] }), faults: { archiveGiB: 120, copyFails: 'eio' }, step: 'copy', error: 'copy_failed', message: /Input\/output error/ },
  { title: 'ossfs 2.x with its default 8 MiB upload_buffer_size refuses 120 GiB: the fix is upload_buffer_size', host: { ossfs2: true }, faults: { archiveGiB: 120 }, step: 'copy', error: 'archive_too_large', message: /ossfs refused .*_gitlab_backup.tar: File too large; needs upload_buffer_size=26214400$/ },
  { title: 'read-back through the mount fails with EIO: a read error, not a mismatch', faults: { readFails: 'eio' }, step: 'verify', error: 'read_failed', message: /^reading .*_gitlab_backup.tar through the mount failed \(exit 1\): sha256sum: -: Input\/output error/ },
  { title: 'read-back returns other bytes: checksum_mismatch', faults: { readFails: 'corrupt' }, step: 'verify', error: 'checksum_mismatch', message: /_gitlab_backup.tar read back from the mount differs from what was sent/ },
  { title: 'direct mode: hashing the archive on the mount fails with EIO: read_failed (was step_timeout)', host: { backupPath: '/mnt/gitlab-backups/direct-eio' }, faults: { readFails: 'eio' }, cfg: { mode: 'direct', ossPrefix: 'direct-eio/' }, step: 'list', error: 'read_failed', message: /^reading .*_gitlab_backup.tar through the mount failed \(exit 1\)/ },
];

describe.concurrent('each failure names its step, exits non-zero and deletes nothing on the mount', () => {
  it.each(cases.map((c, i) => [c.title, c, i] as const))('%s', async (_t, c, i) => {
    const prefix = `fail-${i}/`;
    const older = [nameDaysAgo(100), nameDaysAgo(90), nameDaysAgo(80), nameDaysAgo(70)];
    for (const n of older) seedBackup(bed, prefix, n, true);
    const host = addHost(bed, c.host);
    host.faults = c.faults ?? {};
    c.prepare?.(host);
    const { row, output, result } = await runBackup(bed, host.instanceId, { ossPrefix: prefix, ...c.cfg });

    expect(result, output).toMatchObject({ status: 'failed', step: c.step, error: c.error });
    expect(result!.message).toMatch(c.message);
    expect(row).toMatchObject({ InvocationStatus: 'Failed', ErrorCode: 'ExitCodeNonzero', ExitCode: result!.exitCode });
    expect(result!.exitCode).not.toBe(0);
    expect(output.trimEnd().split('\n').at(-1)).toMatch(/^GITLAB_BACKUP_RESULT /);
    expect(backupsIn(bed, prefix).filter((n) => older.includes(n))).toEqual([...older].sort());
  });

  it('a failure after the copy leaves this run\'s copy (no manifest, so nothing treats it as a backup) and says so', async () => {
    const prefix = 'left-copies/';
    const host = addHost(bed);
    rmSync(host.path('/etc/gitlab/gitlab-secrets.json'));
    const { output, result } = await runBackup(bed, host.instanceId, { ossPrefix: prefix });
    expect(result, output).toMatchObject({ status: 'failed', step: 'config' });
    expect(backupsIn(bed, prefix)).toEqual([result!.name]);
    expect(existsSync(join(bed.bucketDir, prefix, `${result!.name}_gitlab_backup.manifest.json`))).toBe(false);
    expect(output).toMatch(/left up to 1 unverified file\(s\) on the mount for retention/);
  });

  it('a failed copy removes its own partial file; nothing else of the run is on the mount', async () => {
    const prefix = 'partial-gone/';
    const host = addHost(bed);
    host.faults = { copyFails: 'eio' };
    const { output, result } = await runBackup(bed, host.instanceId, { ossPrefix: prefix });
    expect(result, output).toMatchObject({ status: 'failed', step: 'copy', error: 'copy_failed' });
    expect(output).toMatch(/removed this run's partial copy \/mnt\/gitlab-backups\/partial-gone\/\..*\.partial/);
    expect(existsSync(join(bed.bucketDir, prefix))).toBe(true);
    expect(readdirSync(join(bed.bucketDir, prefix))).toEqual([]);
  });

  it('repair fixes a mount without allow_other from its fstab entry, then backs up', async () => {
    const host = addHost(bed, { allowOther: false });
    const { output, result } = await runBackup(bed, host.instanceId, { repairMount: true, ossPrefix: 'repaired/' });
    expect(result, output).toMatchObject({ status: 'ok', step: 'done' });
    expect(output).toContain('after repair: ok');
    expect(host.isMounted()).toBe(true);
  });

  it('repair remounts a stale (crashed) ossfs mount', async () => {
    const host = addHost(bed);
    host.breakMount();
    const { output, result } = await runBackup(bed, host.instanceId, { repairMount: true, ossPrefix: 'stale-repaired/' });
    expect(result, output).toMatchObject({ status: 'ok' });
    expect(output).toMatch(/mount check: stale fuse\.ossfs[\s\S]*after repair: ok/);
    expect(backupsIn(bed, 'stale-repaired/')).toEqual([result!.name]);
  });

  it('repair mounts a missing mount from its fstab entry, then backs up onto the bucket', async () => {
    const host = addHost(bed, { mounted: false });
    const { output, result } = await runBackup(bed, host.instanceId, { repairMount: true, ossPrefix: 'remounted/' });
    expect(result, output).toMatchObject({ status: 'ok' });
    expect(backupsIn(bed, 'remounted/')).toEqual([result!.name]);
  });

  it('ossfs 2.x (fuse.ossfs2, default_permissions) with allow_other passes the mount check', async () => {
    const host = addHost(bed, { ossfs2: true });
    const { output, result } = await runBackup(bed, host.instanceId, { ossPrefix: 'ossfs2/' });
    expect(result, output).toMatchObject({ status: 'ok' });
    expect(readFileSync(host.path('/proc/mounts'), 'utf8')).toMatch(/^ossfs2 \/mnt\/gitlab-backups fuse\.ossfs2 \S*default_permissions,allow_other/m);
  });
});
