import { shellQuote } from '#shared/backup/script/index';
import { DRILL_SH_TEMPLATE } from './templates/drill-sh';
import { RESTORE_SH_TEMPLATE } from './templates/restore-sh';
import { validateRestoreScriptConfig, type RestoreScriptConfig } from './restore-script-config';

/** Rendering choices (as for the backup script). */
export interface RenderRestoreOptions {
  /** Keep the template's comment lines (for reading; default false: stripped to save RunCommand bytes). */
  comments?: boolean;
}

function configBlock(c: RestoreScriptConfig): string {
  const trim = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  const host = c.mode === 'host';
  return [
    '# --- rendered config ---',
    `MODE=${c.mode}`,
    `BACKUP_NAME=${shellQuote(c.backupName)}`,
    // The lock's record names the holder: the backup script's holder check knows a restore by this prefix.
    ...(host ? [`RUN_NAME=${shellQuote(`restore-${c.backupName}`)}`, `MOUNT_DIR_CFG=${shellQuote(trim(c.mountDir))}`, `LOCK_FILE_CFG=${shellQuote(c.lockFile)}`, `LOG_DIR_CFG=${shellQuote(trim(c.logDir))}`, `MIN_FREE_GIB=${c.minFreeGiB}`] : []),
    `EXPECT_VERSION=${shellQuote(c.expectVersion)}`,
    `ARCHIVE_SHA256=${shellQuote(c.archiveSha256 ?? '')}`,
    `DATA_DIR_CFG=${shellQuote(trim(c.dataDir))}`,
    `CONF_DIR_CFG=${shellQuote(trim(c.confDir))}`,
    `STAGING_DIR_CFG=${shellQuote(trim(c.stagingDir))}`,
    `ETC_DIR_CFG=${shellQuote(trim(c.etcDir))}`,
    `TIMEOUT_SEC=${c.timeoutSec}`,
    `GIT_USER=${shellQuote(c.gitUser)}`,
    `TAIL_LINES=${c.tailLines}`,
    `CHECK_IGNORE=${shellQuote(c.checkIgnore ?? '')}`,
    `DRILL_RB=${shellQuote(c.drillRb ?? '')}`,
    ...(host ? [] : [`COUNTS_RB=${shellQuote(c.countsRb ?? '')}`]),
  ].join('\n');
}

// Full-line comments after the 3-line header and indentation go (no heredocs or multi-line strings in the templates).
function stripComments(script: string): string {
  return script
    .split('\n')
    .filter((l, i) => i < 3 || !/^\s*#/.test(l))
    .map((l) => l.trimStart())
    .join('\n');
}

/**
 * The script a restore runs: on the GitLab host (`mode: host`, sent with RunCommand: lock → log → mount → version →
 * space → fetch → stop → restore → config → reconfigure → restart → check → doctor) or as the drill pod's command
 * (`mode: drill`: prepare → boot → the same steps from fetch → counts). The last stdout line is
 * `GITLAB_RESTORE_RESULT {json}` (parseRestoreResult). `npm run -s ops -- restore-script` prints the host one.
 * @example const script = renderRestoreScript(restoreScriptConfigFromEnv(env, { backupName, expectVersion: '17.5.1-ee' }));
 */
export function renderRestoreScript(c: RestoreScriptConfig, opts: RenderRestoreOptions = {}): string {
  validateRestoreScriptConfig(c);
  const template = c.mode === 'host' ? RESTORE_SH_TEMPLATE : DRILL_SH_TEMPLATE;
  const script = template.replace('# @@CONFIG@@', () => configBlock(c));
  return opts.comments ? script : stripComments(script);
}
