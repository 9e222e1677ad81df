/** Per-host failure switches; the stand-ins read them as EMU_* variables when a command runs. */
export interface HostFaults {
  /** 1: GitLab's database task fails, the run still packs an archive and exits 1; other codes: exits with it mid-way. */
  gitlabBackupExit?: number;
  /** gitlab-backup writes a broken tar (the listing check must catch it). */
  corruptArchive?: boolean;
  /** gitlab-backup takes this long (timeouts). */
  backupSleepSeconds?: number;
  /** gitlab-backup waits until this host path exists (≤ 60 s): a run that deterministically holds the lock. */
  backupHoldUntil?: string;
  /** gitlab-backup never returns (a child stuck on storage); `ignore-term`: nothing but SIGKILL stops it. */
  backupHang?: 'term' | 'ignore-term';
  /**
   * gitlab-backup writes this PID into GitLab's backup PID file instead of its own: a GitLab process that is still
   * alive when the script looks after killing gitlab-backup (one stuck in a FUSE request, or a backup started
   * meanwhile). The tests pass a process of their own.
   */
  backupPid?: number;
  /** gitlab-backup prints this many long progress lines (output-size checks). */
  noisyLines?: number;
  /** The archive gitlab-backup packs is (sparsely) this many GiB: ossfs part-limit checks without the bytes. */
  archiveGiB?: number;
  /** GitLab 17.0–17.3 wrote no backup_json.log (gitlab-org/gitlab#464028). */
  noJsonLog?: boolean;
  /** Free space df reports for local disks (disk full = small). */
  diskFreeKiB?: number;
  /** Writes onto the ossfs mount fail: remounted read-only or FUSE I/O error. */
  copyFails?: 'readonly' | 'eio';
  /** Reads of bucket files through the ossfs mount (sha256sum) fail with EIO, never return, or see other bytes. */
  readFails?: 'eio' | 'hang' | 'corrupt';
  /** A rename (mv) onto the ossfs mount whose target's file name matches this glob never returns (ossfs' copy stuck). */
  renameHang?: string;
  /** `mount`/ossfs fails with this message (repair impossible). */
  mountFails?: string;
  /** The Cloud Assistant agent is down: InvocationStatus Failed, ErrorCode ClientNotRunning. */
  agentNotRunning?: boolean;
  /** The command cannot be delivered: InvocationStatus Aborted, ErrorCode DeliveryTimeout. */
  deliveryTimeout?: boolean;
  /** Where a restore fails: GitLab's restore, a gitlab-ctl subcommand, gitlab:check or gitlab:doctor:secrets. */
  restoreFails?: RestoreFailPoint;
  /** `gitlab-backup restore` takes this long. */
  restoreSeconds?: number;
}

/** Where the `restore-fails` fault strikes (default `restore`: the database dump does not load). */
export type RestoreFailPoint = 'restore' | 'stop' | 'reconfigure' | 'restart' | 'check' | 'doctor';
export const RESTORE_FAIL_POINTS: readonly RestoreFailPoint[] = ['restore', 'stop', 'reconfigure', 'restart', 'check', 'doctor'];

/** The EMU_* variables of a restore fault (shared by the ECS host and the kube emulator's drill pods). */
export function restoreFaultEnv(f: Pick<HostFaults, 'restoreFails' | 'restoreSeconds'>): Record<string, string> {
  const e: Record<string, string> = {};
  if (f.restoreFails === 'restore') e.EMU_RESTORE_FAIL = '1';
  if (f.restoreFails === 'stop' || f.restoreFails === 'reconfigure' || f.restoreFails === 'restart') e.EMU_CTL_FAIL = f.restoreFails;
  if (f.restoreFails === 'check') e.EMU_CHECK_FAIL = '1';
  if (f.restoreFails === 'doctor') e.EMU_SECRETS_FAIL = '1';
  if (f.restoreSeconds) e.EMU_RESTORE_SECONDS = String(f.restoreSeconds);
  return e;
}

/** The EMU_* environment of the stand-ins for a host's faults. */
export function faultEnv(f: HostFaults): Record<string, string> {
  const e: Record<string, string> = {};
  if (f.gitlabBackupExit) e.EMU_BACKUP_EXIT = String(f.gitlabBackupExit);
  if (f.corruptArchive) e.EMU_BACKUP_CORRUPT = '1';
  if (f.backupSleepSeconds) e.EMU_BACKUP_SLEEP = String(f.backupSleepSeconds);
  if (f.backupHoldUntil) e.EMU_BACKUP_HOLD = f.backupHoldUntil;
  if (f.backupHang) e.EMU_BACKUP_HANG = f.backupHang;
  if (f.noisyLines) e.EMU_BACKUP_NOISE = String(f.noisyLines);
  if (f.archiveGiB) e.EMU_ARCHIVE_GIB = String(f.archiveGiB);
  if (f.noJsonLog) e.EMU_NO_JSON_LOG = '1';
  if (f.diskFreeKiB !== undefined) e.EMU_DF_AVAIL_KB = String(f.diskFreeKiB);
  if (f.copyFails) e.EMU_COPY_FAIL = f.copyFails;
  if (f.readFails) e.EMU_READ_FAIL = f.readFails;
  if (f.mountFails) e.EMU_MOUNT_FAIL = f.mountFails;
  if (f.renameHang) e.EMU_RENAME_HANG = f.renameHang;
  if (f.backupPid) e.EMU_BACKUP_PID = String(f.backupPid);
  return { ...e, ...restoreFaultEnv(f) };
}
