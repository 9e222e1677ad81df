import { AppError } from '#shared/errors/index';
import type { Env } from '#shared/config/index';
import { backupScriptConfigFromEnv, prefixDir, RUN_NAME_RE } from '#shared/backup/script/index';

/** Where the script runs: the GitLab host (Cloud Assistant) or the throwaway drill pod (its command). */
export type RestoreMode = 'host' | 'drill';

/** Everything the restore (or drill) script needs; paths are absolute paths on the host or in the pod. */
export interface RestoreScriptConfig {
  mode: RestoreMode;
  /** The backup's run name (`<epoch>_<YYYY_MM_DD>_…`): `<name>_gitlab_backup.tar` and `<name>_gitlab_config.tar`. */
  backupName: string;
  /** `gitlab_version` of the backup (manifest / backup_information.yml), e.g. `17.5.1-ee`: the host must run exactly it. */
  expectVersion: string;
  /** sha256 of the archive from the verified record: the copy must hash to it (omitted: not compared). */
  archiveSha256?: string;
  /** Host: the ossfs mount (checked, never remounted). Drill: the directory the OSS volumes are mounted under. */
  mountDir: string;
  /** Directory holding `<name>_gitlab_backup.tar`. */
  dataDir: string;
  /** Directory holding `<name>_gitlab_config.tar` (BACKUP_CONFIG_PREFIX; the data's for older backups). */
  confDir: string;
  /** gitlab_rails['backup_path']: the archive is copied there and GitLab unpacks it there. */
  stagingDir: string;
  etcDir: string;
  logDir: string;
  /** The backup's lock file (the restore shares it: never a backup and a restore at once). */
  lockFile: string;
  /** RunCommand's Timeout (host) or the drill's deadline (pod): long steps stop a tenth before it. */
  timeoutSec: number;
  /** Free space wanted in backup_path besides three times the archive. */
  minFreeGiB: number;
  gitUser: string;
  tailLines: number;
  /** gitlab:check sections (a regex) whose failures do not count: the drill never starts Sidekiq. */
  checkIgnore?: string;
  /** Drill only: gitlab.rb settings appended to the run's gitlab.rb (one line; later settings win). */
  drillRb?: string;
  /** Drill only: the `gitlab-rails runner` code that prints the counts as one JSON line. */
  countsRb?: string;
}

/** The host restore's config from the parsed environment (BACKUP_*, OSS_PREFIX, BACKUP_CONFIG_PREFIX). */
export function restoreScriptConfigFromEnv(env: Env, run: Pick<RestoreScriptConfig, 'backupName' | 'expectVersion' | 'archiveSha256'>): RestoreScriptConfig {
  const b = backupScriptConfigFromEnv(env);
  const under = (p: string): string => (prefixDir(p) ? `${b.mountDir.replace(/\/+$/, '')}/${prefixDir(p)}` : b.mountDir);
  return {
    mode: 'host', ...run, mountDir: b.mountDir, dataDir: under(b.ossPrefix), confDir: under(b.configPrefix), stagingDir: b.stagingDir, etcDir: b.etcDir,
    logDir: b.logDir, lockFile: b.lockFile, timeoutSec: b.timeoutSec, minFreeGiB: b.minFreeGiB, gitUser: b.gitUser, tailLines: b.tailLines,
  };
}

/**
 * The config of a backup whose /etc/gitlab archive is next to the data (made before BACKUP_CONFIG_PREFIX,
 * docs/adr/0022 §8; BackupFacts `config.beside`): read from the data directory. Its top-level layout the script reads.
 */
export const withConfigBesideData = (c: RestoreScriptConfig): RestoreScriptConfig => ({ ...c, confDir: c.dataDir });

export const VERSION_RE = /^\d+\.\d+\.\d+(-[a-z]+)?$/;
const PATH_RE = /^\/[A-Za-z0-9._/@+-]*$/;

/** Reject values the script could misread (quoting already makes any string safe for bash). */
export function validateRestoreScriptConfig(c: RestoreScriptConfig): void {
  const bad: string[] = [];
  if (c.mode !== 'host' && c.mode !== 'drill') bad.push(`mode ${String(c.mode)}`);
  if (!RUN_NAME_RE.test(c.backupName)) bad.push(`backupName ${JSON.stringify(c.backupName)}`);
  if (!VERSION_RE.test(c.expectVersion)) bad.push(`expectVersion ${JSON.stringify(c.expectVersion)}`);
  if (c.archiveSha256 !== undefined && !/^[0-9a-f]{64}$/.test(c.archiveSha256)) bad.push('archiveSha256 (not 64 hex digits)');
  for (const k of ['mountDir', 'dataDir', 'confDir', 'stagingDir', 'etcDir', 'logDir', 'lockFile'] as const) {
    if (!PATH_RE.test(c[k]) || c[k].split('/').includes('..') || c[k] === '/') bad.push(`${k} ${JSON.stringify(c[k])}`);
  }
  if (!Number.isSafeInteger(c.timeoutSec) || c.timeoutSec < 5 || c.timeoutSec > 86_400) bad.push(`timeoutSec ${c.timeoutSec}`);
  if (!Number.isSafeInteger(c.minFreeGiB) || c.minFreeGiB < 0) bad.push(`minFreeGiB ${c.minFreeGiB}`);
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(c.gitUser)) bad.push(`gitUser ${JSON.stringify(c.gitUser)}`);
  for (const k of ['drillRb', 'countsRb', 'checkIgnore'] as const) if (c[k]?.includes('\n')) bad.push(`${k} (must be one line)`);
  if (c.mode === 'drill' && !c.countsRb) bad.push('countsRb (the drill prints counts)');
  // The fetch copies into stagingDir after clearing it: on the mount that would remove the backup being restored.
  const under = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '') || a.startsWith(`${b.replace(/\/+$/, '')}/`);
  if (c.mode === 'host' && under(c.stagingDir, c.mountDir)) bad.push(`stagingDir ${JSON.stringify(c.stagingDir)} is on the backup mount ${c.mountDir} (BACKUP_STAGING_DIR must be a local backup_path)`);
  if (bad.length) throw new AppError('CONFIG_INVALID', `invalid restore script config: ${bad.join(', ')}`, { details: { invalid: bad } });
}
