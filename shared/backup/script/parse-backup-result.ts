import { z } from 'zod';

/** Marker of the script's machine-readable last line. */
export const RESULT_MARKER = 'GITLAB_BACKUP_RESULT ';

/** Step names in run order; `step` in a failed result names the one that failed, `done` when all succeeded. */
export const BACKUP_STEPS = ['params', 'lock', 'log', 'mount', 'space', 'backup', 'copy', 'config', 'verify', 'manifest', 'prune', 'done'] as const;
/** One step name of the script. */
export type BackupStep = (typeof BACKUP_STEPS)[number];

const resultSchema = z.object({
  status: z.enum(['ok', 'failed']),
  step: z.enum(BACKUP_STEPS),
  name: z.string(),
  exitCode: z.number().int(),
  /** Failure cause: already_running, not_mounted, no_allow_other, mount_failed, mount_stale, disk_full, gitlab_backup_failed,
   * archive_missing, copy_failed, config_missing, checksum_mismatch, listing_failed, terminated, command_failed… */
  error: z.string().default(''),
  message: z.string().default(''),
  /** Object keys relative to the mount (= OSS keys when the bucket root is mounted); '' before they exist. */
  archive: z.string().default(''),
  manifest: z.string().default(''),
  config: z.string().default(''),
  /** True when an earlier run with the same name had already verified this backup. */
  reused: z.boolean().default(false),
  pruned: z.array(z.string()).default([]),
  kept: z.array(z.string()).default([]),
  /** Host path of the full log. */
  log: z.string().default(''),
});

/** The parsed result line of one backup run. */
export type BackupResult = z.output<typeof resultSchema>;

/**
 * The result of a backup run from its Cloud Assistant output (plain text): the last `GITLAB_BACKUP_RESULT` line.
 * Undefined when there is none (killed, truncated, not our script) or it does not parse.
 */
export function parseBackupResult(output: string): BackupResult | undefined {
  const lines = output.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!line.startsWith(RESULT_MARKER)) continue;
    try {
      const parsed = resultSchema.safeParse(JSON.parse(line.slice(RESULT_MARKER.length)));
      return parsed.success ? parsed.data : undefined;
    } catch {
      // A cut or garbled line is "no result": the caller treats it like a missing one.
      return undefined;
    }
  }
  return undefined;
}
