import { AppError } from '#shared/errors/index';
import type { Env } from '#shared/config/index';
import { prefixDir } from './backup-layout';

/** How the script stages the archive: `staged` = local backup_path then copy (GitLab's advice for FUSE), `direct` = backup_path on the mount. */
export type BackupMode = 'staged' | 'direct';

/** Everything the host-side backup script needs; paths are absolute paths on the GitLab host. */
export interface BackupScriptConfig {
  /** `<epoch>_<YYYY_MM_DD>_<suffix>` (see backupRunName). Absent: the Cloud Assistant parameter `{{runName}}` (EnableParameter). */
  runName?: string;
  /** A label written into the manifest (`pre-upgrade`); the run name carries it too. */
  label?: string;
  /** The ossfs mount point (its fstab entry is used for repair). */
  mountDir: string;
  /** Object prefix inside the bucket = sub-directory of the mount (the bucket root is mounted). */
  ossPrefix: string;
  /** Must equal gitlab_rails['backup_path'] (staged mode); gitlab-backup writes the archive there. */
  stagingDir: string;
  mode: BackupMode;
  /** Remount from fstab (umount + mount DIR) when the mount is missing or lacks allow_other. */
  repairMount: boolean;
  /** Host logs (`backup-<name>.log`) older than this many days are deleted; backups never are (ADR 0016). */
  logKeepDays: number;
  /** Minimum free space in the staging area before starting. */
  minFreeGiB: number;
  /** Full log goes to `<logDir>/backup-<name>.log` on the host. */
  logDir: string;
  /** flock(1) file that keeps runs from overlapping. */
  lockFile: string;
  /** Omnibus config dir holding gitlab-secrets.json and gitlab.rb. */
  etcDir: string;
  /** Log lines echoed to stdout before the result line. */
  tailLines: number;
  /** RunCommand's Timeout (BACKUP_TIMEOUT_SECONDS): long steps are stopped a tenth (3 s – 15 min) before it. */
  timeoutSec: number;
  /** Object prefix of the /etc/gitlab archives (BACKUP_CONFIG_PREFIX), apart from the data backups. */
  configPrefix: string;
  /** Add the SSH host keys (/etc/ssh/ssh_host_*) to the /etc/gitlab archive (BACKUP_CONFIG_SSH_HOST_KEYS). */
  sshHostKeys: boolean;
  /** The user gitlab-rake drops to (Omnibus `user['username']`, default git): it must be able to write backup_path. */
  gitUser: string;
}

/** Defaults matching a stock Omnibus host and the seed's ossfs mount. */
export const DEFAULT_BACKUP_SCRIPT_CONFIG: BackupScriptConfig = {
  mountDir: '/mnt/gitlab-backups',
  ossPrefix: 'gitlab-backups/',
  stagingDir: '/var/opt/gitlab/backups',
  mode: 'staged',
  repairMount: false,
  logKeepDays: 30,
  minFreeGiB: 10,
  logDir: '/var/log/gitlab-ask-ops',
  lockFile: '/run/lock/gitlab-ask-ops-backup.lock',
  etcDir: '/etc/gitlab',
  tailLines: 100,
  timeoutSec: 4 * 3600,
  configPrefix: 'gitlab-config-backups/',
  sshHostKeys: true,
  gitUser: 'git',
};

/** The script config from the parsed environment (BACKUP_* and OSS_PREFIX), with optional overrides. */
export function backupScriptConfigFromEnv(env: Env, overrides: Partial<BackupScriptConfig> = {}): BackupScriptConfig {
  return {
    ...DEFAULT_BACKUP_SCRIPT_CONFIG,
    mountDir: env.BACKUP_MOUNT_DIR,
    stagingDir: env.BACKUP_STAGING_DIR,
    mode: env.BACKUP_MODE,
    repairMount: env.BACKUP_REPAIR_MOUNT,
    // Logs describe backups: keep them at least as long as retention keeps young backups.
    logKeepDays: Math.max(30, env.BACKUP_KEEP_DAYS),
    minFreeGiB: env.BACKUP_MIN_FREE_GIB,
    ossPrefix: env.OSS_PREFIX,
    timeoutSec: env.BACKUP_TIMEOUT_SECONDS,
    configPrefix: env.BACKUP_CONFIG_PREFIX,
    sshHostKeys: env.BACKUP_CONFIG_SSH_HOST_KEYS,
    ...overrides,
  };
}

/** Run names sort and age by their epoch prefix (GitLab's backup id shape: `<epoch>[_YYYY_MM_DD[_suffix]]`). */
export const RUN_NAME_RE = /^\d{10}(_\d{4}_\d{2}_\d{2})?(_[0-9A-Za-z.-]+)?$/;
/** A backup label: lower-case letters, digits and inner dashes, ≤ 32 characters (it becomes part of the name). */
export const LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const PATH_RE = /^\/[A-Za-z0-9._/@+-]*$/;
const PREFIX_RE = /^[A-Za-z0-9._/-]*$/;

/**
 * Reject values the script could misread. Quoting already makes any string safe for bash; this catches config
 * mistakes early (relative paths, a `..`, a run name the prune step could not order).
 */
export function validateBackupScriptConfig(cfg: BackupScriptConfig): void {
  const bad: string[] = [];
  if (cfg.runName !== undefined && !RUN_NAME_RE.test(cfg.runName)) bad.push(`runName ${JSON.stringify(cfg.runName)}`);
  if (cfg.label !== undefined && !LABEL_RE.test(cfg.label)) bad.push(`label ${JSON.stringify(cfg.label)}`);
  for (const k of ['mountDir', 'stagingDir', 'logDir', 'lockFile', 'etcDir'] as const) {
    const v = cfg[k];
    if (!PATH_RE.test(v) || v.split('/').includes('..') || v === '/') bad.push(`${k} ${JSON.stringify(v)}`);
  }
  for (const k of ['ossPrefix', 'configPrefix'] as const) {
    if (!PREFIX_RE.test(cfg[k]) || cfg[k].split('/').includes('..')) bad.push(`${k} ${JSON.stringify(cfg[k])}`);
  }
  // The data and the /etc/gitlab archives must not share a directory: retention and inventory tell them apart by it.
  if (prefixDir(cfg.configPrefix) === prefixDir(cfg.ossPrefix)) bad.push(`configPrefix ${JSON.stringify(cfg.configPrefix)} equals ossPrefix`);
  for (const k of ['logKeepDays', 'minFreeGiB', 'tailLines'] as const) {
    if (!Number.isSafeInteger(cfg[k]) || cfg[k] < 0) bad.push(`${k} ${cfg[k]}`);
  }
  if (!Number.isSafeInteger(cfg.timeoutSec) || cfg.timeoutSec < 5 || cfg.timeoutSec > 86_400) bad.push(`timeoutSec ${cfg.timeoutSec}`);
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(cfg.gitUser)) bad.push(`gitUser ${JSON.stringify(cfg.gitUser)}`);
  if (cfg.mode !== 'staged' && cfg.mode !== 'direct') bad.push(`mode ${String(cfg.mode)}`);
  if (bad.length > 0) {
    throw new AppError('CONFIG_INVALID', `invalid backup script config: ${bad.join(', ')}`, { details: { invalid: bad } });
  }
}
