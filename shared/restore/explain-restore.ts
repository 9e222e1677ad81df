import type { InvocationResultInfo } from '#shared/backup/ecs-port';
import { explainInvocation } from '#shared/backup/orchestrate/explain-invocation';
import { parseRestoreResult, RESTORE_RESULT_MARKER, type RestoreResult } from './script/index';

/** The script's `error` codes in words (shared/restore/script/templates). */
const HINTS: Record<string, string> = {
  already_running: 'a backup or another restore holds the host lock',
  not_mounted: 'the ossfs backup mount is missing',
  archive_missing: 'the archive is not on the mount',
  config_missing: 'the /etc/gitlab archive of this run is not on the mount',
  version_mismatch: 'GitLab restores only onto exactly the same version and edition',
  disk_full: 'backup_path has too little free space for the archive, its unpacked copy and the restored data',
  checksum_mismatch: 'the archive on OSS is not what was verified (corrupt or truncated)',
  fetch_failed: 'copying the archive into backup_path failed',
  stop_failed: 'puma or sidekiq would not stop',
  restore_failed: 'gitlab-backup restore failed',
  config_unreadable: 'gitlab-secrets.json or gitlab.rb could not be read from the /etc/gitlab archive',
  reconfigure_failed: 'gitlab-ctl reconfigure failed',
  restart_failed: 'gitlab-ctl restart did not bring every service up',
  check_failed: 'gitlab:check found problems',
  secrets_failed: 'gitlab:doctor:secrets found values the restored secrets cannot decrypt',
  boot_failed: 'the drill pod\'s GitLab did not come up',
  counts_failed: 'the restored instance could not be counted',
  step_timeout: 'a step did not end in time and was stopped',
};

/** A finished restore invocation in words. */
export interface RestoreOutcome {
  ok: boolean;
  step: string;
  cause: string;
  result?: RestoreResult;
  logTail: string[];
}

/** Explain a terminal invocation of the restore script (its result line, else Cloud Assistant's own error). */
export function explainRestore(r: InvocationResultInfo, timeoutSec: number): RestoreOutcome {
  const result = parseRestoreResult(r.output);
  const logTail = r.output.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith(RESTORE_RESULT_MARKER)).slice(-30);
  if (result?.status === 'ok' && r.status === 'Success') return { ok: true, step: 'done', cause: '', result, logTail };
  if (result?.status === 'failed') {
    const why = [result.message, HINTS[result.error]].filter(Boolean).join(' — ');
    return { ok: false, step: result.step, cause: `step "${result.step}" failed: ${why || result.error}`, result, logTail };
  }
  const host = explainInvocation({ ...r, output: '' }, timeoutSec);
  return { ok: false, step: host.step, cause: host.cause.replace('the backup ran', 'the restore ran'), ...(result ? { result } : {}), logTail };
}
