import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';
import { parseLastResultLine } from './last-result-line';

/** Marker of the script's machine-readable last line. */
export const RESULT_MARKER = 'GITLAB_BACKUP_RESULT ';

/** Step names in run order; `step` in a failed result names the one that failed, `done` when all succeeded. */
export const BACKUP_STEPS = ['params', 'lock', 'log', 'mount', 'space', 'backup', 'list', 'copy', 'verify', 'config', 'manifest', 'done'] as const;
/** One step name of the script. */
export type BackupStep = (typeof BACKUP_STEPS)[number];

// zod/mini: this parser is in the worker's cold path (docs/adr/0015-cold-start.md).
setupZod();

const resultSchema = z.object({
  status: z.enum(['ok', 'failed']),
  step: z.enum(BACKUP_STEPS),
  name: z.string(),
  exitCode: z.int(),
  /** Failure cause: already_running, not_mounted, no_allow_other, mount_failed, mount_stale, keep_time_set,
   * staging_missing, staging_not_writable, disk_full, gitlab_backup_failed, step_timeout, archive_missing,
   * archive_too_large, copy_failed, config_missing, checksum_mismatch, read_failed, listing_failed, terminated,
   * command_failed… */
  error: z._default(z.string(), ''),
  message: z._default(z.string(), ''),
  /** What GitLab said (its backup_json.log errors, else gitlab-backup's stderr) when gitlab-backup failed. */
  detail: z._default(z.string(), ''),
  /** The exit code of the child that failed (gitlab-backup), when one did; the script's own code never passes it on. */
  childExit: z._default(z.nullable(z.int()), null),
  /** Something the run did besides its steps (e.g. it broke a stale lock). */
  note: z._default(z.string(), ''),
  /** Milliseconds per step (bash ≥ 5; whole seconds on older bash). */
  timingsMs: z._default(z.record(z.string(), z.number()), {}),
  /** Object keys relative to the mount (= OSS keys when the bucket root is mounted); '' before they exist. */
  archive: z._default(z.string(), ''),
  manifest: z._default(z.string(), ''),
  config: z._default(z.string(), ''),
  /** True when an earlier attempt of this run (same name) had already written the manifest. */
  reused: z._default(z.boolean(), false),
  /** The run's label ('' for none). The script never prunes: retention is the worker's (docs/adr/0016). */
  label: z._default(z.string(), ''),
  /** Host path of the full log. */
  log: z._default(z.string(), ''),
});

/** The parsed result line of one backup run. */
export type BackupResult = z.output<typeof resultSchema>;

/**
 * The result of a backup run from its Cloud Assistant output (plain text): the last `GITLAB_BACKUP_RESULT` line.
 * Undefined when there is none (killed, truncated, not our script) or it does not parse.
 */
export function parseBackupResult(output: string): BackupResult | undefined {
  return parseLastResultLine(output, RESULT_MARKER, resultSchema);
}
