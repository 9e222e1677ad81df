import { parseBackupResult, RESULT_MARKER, type BackupResult } from '../script/index';
import type { InvocationResultInfo } from '../ecs-port';
import { fixFor, type FixContext } from './fix-hints';

/** A host-side outcome in words a person on call understands. */
export interface HostOutcome {
  ok: boolean;
  /** The failed step (a script step, or `deliver`/`agent`/`timeout` for Cloud Assistant failures). */
  step: string;
  cause: string;
  /** What to do about it (fix-hints.ts), when we know. */
  fix?: string;
  /** The script's result line, when it printed one. */
  result?: BackupResult;
  /** Last log lines the script echoed (result line removed). */
  logTail: string[];
}

/** Script `error` codes (shared/backup/script) → what to check. */
const SCRIPT_HINTS: Record<string, string> = {
  already_running: 'another backup run holds the host lock; it was not started twice',
  not_mounted: 'the ossfs backup mount is missing (mount it, or set BACKUP_REPAIR_MOUNT=true)',
  no_allow_other: 'the ossfs mount lacks allow_other, so the git user cannot write to it',
  mount_failed: 'remounting the ossfs bucket from /etc/fstab failed',
  disk_full: 'not enough free space in the staging directory',
  gitlab_backup_failed: 'gitlab-backup failed (see the log lines below)',
  archive_missing: 'gitlab-backup reported success but wrote no archive (is backup_path the staging dir?)',
  copy_failed: 'copying onto the ossfs mount failed (read-only remount or FUSE I/O error)',
  config_missing: 'gitlab-secrets.json or gitlab.rb is missing on the host',
  checksum_mismatch: 'the copy on the mount differs from the staged archive',
  read_failed: 'reading a file back through the ossfs mount failed (FUSE I/O error, or the file vanished)',
  listing_failed: 'the copied archive cannot be listed (corrupt tar)',
  staging_missing: 'the staging directory does not exist',
  terminated: 'the script was killed by a signal',
  keep_time_set: "GitLab's own pruning (backup_keep_time) would delete backups on the mount in direct mode",
  staging_not_writable: 'the git user (gitlab-backup runs as git) cannot write the staging directory',
  step_timeout: 'a step did not end within BACKUP_TIMEOUT_SECONDS (less the clean-up margin); it was stopped and cleaned up',
  archive_too_large: 'ossfs cannot store a file this large with its part size (10,000 parts × multipart_size)',
};

/**
 * Cloud Assistant ErrorCodes (aliyun/alibabacloud-typescript-sdk `ecs-20140526/src/models/DescribeInvocationResultsRequest.ts`) → cause. `{i}` is the instance id, `{t}` the timeout.
 */
const ERROR_CODE_CAUSES: Record<string, [step: string, cause: string]> = {
  ClientNotRunning: ['agent', 'Cloud Assistant agent is not running on {i} (start aliyun-service on the host)'],
  ClientNotResponse: ['agent', 'Cloud Assistant agent on {i} does not respond'],
  ClientIsUpgrading: ['agent', 'Cloud Assistant agent on {i} is upgrading; the next run should work'],
  ClientNeedUpgrade: ['agent', 'Cloud Assistant agent on {i} is too old and must be upgraded'],
  DeliveryTimeout: ['deliver', 'the command could not be delivered to {i} (DeliveryTimeout: agent offline or network blocked)'],
  InstanceNotRunning: ['deliver', 'instance {i} is not running'],
  InstanceNotExists: ['deliver', 'instance {i} does not exist (check BACKUP_INSTANCE_ID)'],
  InstanceReleased: ['deliver', 'instance {i} was released'],
  ExecutionTimeout: ['timeout', 'the backup ran longer than BACKUP_TIMEOUT_SECONDS ({t} s) and was killed on {i}'],
  ExecutionException: ['agent', 'the agent on {i} could not start the script'],
  ExecutionInterrupted: ['agent', 'the script on {i} was interrupted (instance stopped or restarted?)'],
  CommandNotApplicable: ['deliver', 'RunShellScript is not applicable to {i} (not a Linux instance?)'],
  AccountNotExists: ['deliver', 'the user root does not exist on {i}'],
  DirectoryNotExists: ['deliver', 'the working directory does not exist on {i}'],
  SecurityGroupRuleDenied: ['deliver', 'the security group of {i} blocks the Cloud Assistant endpoint'],
  TaskConcurrencyLimit: ['deliver', 'too many Cloud Assistant tasks on {i}'],
};

/** Explain a terminal invocation record; `ctx` fills in the fix hints (paths, bucket). */
export function explainInvocation(r: InvocationResultInfo, timeoutSec: number, ctx: FixContext = { mountDir: '/mnt/gitlab-backups', stagingDir: '/var/opt/gitlab/backups' }): HostOutcome {
  const result = parseBackupResult(r.output);
  const logTail = r.output.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith(RESULT_MARKER)).slice(-30);
  const fill = (s: string): string => s.replace('{i}', r.instanceId).replace('{t}', String(timeoutSec));
  const withFix = (code: string): { fix?: string } => {
    const fix = fixFor(code, { ...ctx, instanceId: r.instanceId });
    return fix ? { fix } : {};
  };
  if (r.status === 'Success' && result?.status === 'ok') return { ok: true, step: 'done', cause: '', result, logTail };
  if (result && result.status === 'failed') {
    const hint = SCRIPT_HINTS[result.error];
    const why = [result.message, hint].filter(Boolean).join(' — ');
    // The script says which part size the archive needs (`needs multipart_size=N`): the fix names it.
    const part = /needs multipart_size=(\d+)/.exec(result.message)?.[1];
    // …or, on ossfs 2.x, the upload_buffer_size (`needs upload_buffer_size=N`).
    const buf = /needs upload_buffer_size=(\d+)/.exec(result.message)?.[1];
    const fix = buf
      ? fixFor('archive_too_large_ossfs2', { ...ctx, uploadBufferSize: Number(buf) })
      : fixFor(result.error, { ...ctx, instanceId: r.instanceId, ...(part ? { multipartSizeMB: Number(part) } : {}) });
    return { ok: false, step: result.step, cause: `step "${result.step}" failed: ${why || result.error}`, ...(fix ? { fix } : {}), result, logTail };
  }
  const known = ERROR_CODE_CAUSES[r.errorCode];
  if (known) return { ok: false, step: known[0], cause: fill(known[1]), ...withFix(r.errorCode), ...(result ? { result } : {}), logTail };
  if (r.status === 'Success') {
    return { ok: false, step: 'result', cause: `the script exited 0 but printed no valid result line${r.dropped ? ` (${r.dropped} output bytes dropped)` : ''}`, logTail };
  }
  const code = r.errorCode ? ` ${r.errorCode}` : '';
  const info = r.errorInfo ? `: ${r.errorInfo}` : '';
  const exit = r.status === 'Failed' ? ` (exit ${r.exitCode}, no result line)` : '';
  return { ok: false, step: 'host', cause: `Cloud Assistant reports ${r.status}${code}${info}${exit} on ${r.instanceId}`, logTail };
}

/** True when the per-instance status will not change any more. */
export function isTerminal(status: string): boolean {
  return !['Pending', 'Running', 'Scheduled', 'Stopping', ''].includes(status);
}
