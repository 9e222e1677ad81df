import { BACKUP_SH_TEMPLATE } from './templates/backup-sh';
import { prefixDir } from './backup-layout';
import { validateBackupScriptConfig, type BackupScriptConfig } from './backup-script-config';

/** Cloud Assistant parameter name used when the config carries no run name (send with EnableParameter=true). */
export const RUN_NAME_PARAMETER = 'runName';

/** RunCommand's limit on CommandContent after Base64 (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-runcommand). */
export const RUN_COMMAND_MAX_BASE64_BYTES = 24 * 1024;
/**
 * Older Cloud Assistant docs limit the script to 16 KB *before* Base64 encoding; the script we send (comments
 * stripped) stays under that too.
 */
export const SCRIPT_TARGET_RAW_BYTES = 16 * 1024;

/** Rendering choices. */
export interface RenderOptions {
  /** Keep the template's explanatory comment lines (for reading; default false: stripped to save RunCommand bytes). */
  comments?: boolean;
}

/** Single-quote a value for bash: safe for any string. */
export function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

/**
 * The bash script the backup action sends with RunCommand (Type=RunShellScript). Steps: lock (a stale one is broken)
 * → ossfs mount check (+repair) → free space and git's access to backup_path → gitlab-backup → list the archive →
 * copy (hashed while copying, read back once) → /etc/gitlab archive under its own prefix → manifest. Long steps end
 * before `timeoutSec`; it never deletes a backup (retention runs in the worker after OSS verification, docs/adr/0016,
 * 0022) and never exits with a child's code. The last stdout line is `GITLAB_BACKUP_RESULT {json}` (parseBackupResult).
 *
 * @example
 * const script = renderBackupScript({ ...backupScriptConfigFromEnv(config.env), runName: '1795802400_2026_11_28_k3f9' });
 * const content = Buffer.from(script).toString('base64'); // ContentEncoding=Base64
 */
export function renderBackupScript(cfg: BackupScriptConfig, opts: RenderOptions = {}): string {
  validateBackupScriptConfig(cfg);
  const runName = cfg.runName ?? `{{${RUN_NAME_PARAMETER}}}`;
  const lines = [
    '# --- rendered config ---',
    `RUN_NAME=${shellQuote(runName)}`,
    `MOUNT_DIR_CFG=${shellQuote(trimSlash(cfg.mountDir))}`,
    `DEST_SUBDIR=${shellQuote(prefixDir(cfg.ossPrefix))}`,
    `CONFIG_SUBDIR=${shellQuote(prefixDir(cfg.configPrefix))}`,
    `STAGING_DIR_CFG=${shellQuote(trimSlash(cfg.stagingDir))}`,
    `ETC_DIR_CFG=${shellQuote(trimSlash(cfg.etcDir))}`,
    `LOG_DIR_CFG=${shellQuote(trimSlash(cfg.logDir))}`,
    `LOCK_FILE_CFG=${shellQuote(cfg.lockFile)}`,
    `MODE=${cfg.mode}`,
    `REPAIR_MOUNT=${cfg.repairMount ? 1 : 0}`,
    `LABEL=${shellQuote(cfg.label ?? '')}`,
    `LOG_KEEP_DAYS=${cfg.logKeepDays}`,
    `MIN_FREE_GIB=${cfg.minFreeGiB}`,
    `TAIL_LINES=${cfg.tailLines}`,
    `TIMEOUT_SEC=${cfg.timeoutSec}`,
    `SSH_HOST_KEYS=${cfg.sshHostKeys ? 1 : 0}`,
    `GIT_USER=${shellQuote(cfg.gitUser)}`,
  ];
  const script = BACKUP_SH_TEMPLATE.replace('# @@CONFIG@@', () => lines.join('\n'));
  return opts.comments ? script : stripComments(script);
}

/** Size of the script as RunCommand counts it (Base64 of the UTF-8 bytes). */
export function base64Size(script: string): number {
  return Buffer.from(script, 'utf8').toString('base64').length;
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

// Drop full-line comments and blank lines after the 3-line header (shebang + what this is) and the indentation. The
// template has no heredocs or multi-line strings, so a line starting with `#` is always a comment and leading blanks
// (or a blank line) never matter.
function stripComments(script: string): string {
  return script
    .split('\n')
    .filter((l, i) => i < 3 || !/^\s*(#|$)/.test(l))
    .map((l) => l.trimStart())
    .join('\n');
}
