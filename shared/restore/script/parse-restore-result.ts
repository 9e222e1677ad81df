import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';
import { parseLastResultLine } from '#shared/backup/script/last-result-line';

/** Marker of the restore and drill scripts' machine-readable last line. */
export const RESTORE_RESULT_MARKER = 'GITLAB_RESTORE_RESULT ';

/** Steps of the host restore, in run order (`done` when all succeeded). */
export const HOST_RESTORE_STEPS = ['params', 'lock', 'log', 'mount', 'version', 'space', 'fetch', 'stop', 'restore', 'config', 'reconfigure', 'restart', 'check', 'doctor', 'done'] as const;
/** Steps of the drill pod's script, in run order: its own prepare and boot, the shared steps, the counts. */
export const DRILL_STEPS = ['params', 'prepare', 'boot', 'fetch', 'stop', 'restore', 'config', 'reconfigure', 'restart', 'check', 'doctor', 'counts', 'done'] as const;
/** The steps both scripts share (one template, shared/restore/script/templates/restore-steps.sh). */
export const SHARED_RESTORE_STEPS = ['fetch', 'stop', 'restore', 'config', 'reconfigure', 'restart', 'check', 'doctor'] as const;

/**
 * Where services stand when the script ends (docs/operations.md "Restore"): `unchanged` (failed before anything was
 * stopped), `restarted` (a failed stop: puma and sidekiq started again), `stopped` (failed from the restore on: puma
 * and sidekiq kept down), `running` (restarted after the restore; a failed check leaves it so).
 */
export const SERVICE_STATES = ['unchanged', 'restarted', 'stopped', 'running'] as const;

setupZod();

const repo = z.object({ path: z.string(), branch: z.nullable(z.string()), sha: z.nullable(z.string()) });
const counts = z.object({ projects: z.int(), users: z.int(), groups: z.int(), repositories: z._default(z.array(repo), []) });
/** What the restored instance holds (the drill's counts step). */
export type RestoredCounts = z.output<typeof counts>;

const resultSchema = z.object({
  status: z.enum(['ok', 'failed']),
  step: z.enum([...new Set([...HOST_RESTORE_STEPS, ...DRILL_STEPS])] as [string, ...string[]]),
  name: z.string(),
  mode: z.enum(['host', 'drill']),
  exitCode: z.int(),
  /** Failure cause: already_running, not_mounted, archive_missing, config_missing, version_mismatch, disk_full,
   * fetch_failed, checksum_mismatch, stop_failed, restore_failed, config_unreadable, reconfigure_failed,
   * restart_failed, check_failed, secrets_failed, boot_failed, counts_failed, step_timeout, terminated… */
  error: z._default(z.string(), ''),
  message: z._default(z.string(), ''),
  /** What GitLab said (its restore output, reconfigure errors, the failed checks). */
  detail: z._default(z.string(), ''),
  childExit: z._default(z.nullable(z.int()), null),
  note: z._default(z.string(), ''),
  state: z._default(z.enum(SERVICE_STATES), 'unchanged'),
  /** `name:run|down,…` from `gitlab-ctl status` at the end. */
  services: z._default(z.string(), ''),
  counts: z._default(z.nullable(counts), null),
  timingsMs: z._default(z.record(z.string(), z.number()), {}),
  log: z._default(z.string(), ''),
});

/** The parsed result line of one restore or drill run. */
export type RestoreResult = z.output<typeof resultSchema>;

/** The last `GITLAB_RESTORE_RESULT` line of a script's output; undefined when there is none or it does not parse. */
export function parseRestoreResult(output: string): RestoreResult | undefined {
  return parseLastResultLine(output, RESTORE_RESULT_MARKER, resultSchema);
}

/** `services` as a map: `{puma: 'run', sidekiq: 'down', …}`. */
export function servicesOf(r: Pick<RestoreResult, 'services'>): Record<string, string> {
  return Object.fromEntries(r.services.split(',').filter(Boolean).map((s) => s.split(':') as [string, string]));
}
