import type { CheckResult } from '#shared/checks/index';

/**
 * Outcome of one restore invocation:
 * - `planned`: a dry run: every precondition checked (the host only read), nothing started;
 * - `refused`: not confirmed, or a precondition failed: nothing on the host was changed (`step` says which);
 * - `restored`: the script ran every step and GitLab's checks passed;
 * - `failed`: a step failed (`step`, `cause`, and where the services were left: `state`);
 * - `running`: the worker's deadline came while the host still restored (FC's retry follows the same invocation).
 */
export type RestoreStatus = 'planned' | 'refused' | 'restored' | 'failed' | 'running';

/** The restore action's report (its ActionResult `report`): secret-free, safe to return and send. */
export interface RestoreReport {
  backup: string;
  instanceId: string;
  status: RestoreStatus;
  gitlabVersion?: string;
  /** Each precondition and what it found (in the order checked). */
  preconditions: CheckResult[];
  step?: string;
  cause?: string;
  fix?: string;
  /** Where the restore runbook is (RUNBOOK_URL, else the repository path). */
  runbook: string;
  /** Cloud Assistant's invocation of the restore script, and whether this attempt found it started already. */
  invokeId?: string;
  attached?: boolean;
  /**
   * Where services were left (`unchanged`, `restarted`, `stopped`, `running`) and their states at the end: the
   * script's word, or `unchanged` for a refusal (the script never ran); absent when nobody knows (no result line, the
   * deadline, a result that could not be read, a dry run).
   */
  state?: string;
  services?: Record<string, string>;
  /** Milliseconds per script step, in run order. */
  timingsMs?: Record<string, number>;
  /** What GitLab said when a step failed. */
  detail?: string;
  startedAt?: string;
  finishedAt?: string;
  durationSec?: number;
  logTail?: string[];
  /** The script's size (a dry run shows what RunCommand would get; `ops restore-script` prints it). */
  script?: { bytes: number; base64Bytes: number };
  /** The message's outcome on every channel. */
  notify?: Record<string, unknown>;
}

/** Where the services are, in words, for each end state of the script (docs/operations.md "Restore"). */
export const STATE_WORDS: Record<string, string> = {
  unchanged: 'nothing was stopped or changed: GitLab runs as before',
  restarted: 'puma and sidekiq were stopped, then started again: nothing was restored, GitLab runs as before',
  stopped: 'puma and sidekiq are DOWN (the rest runs): the instance is partly restored; repeat the restore or finish it by hand (runbook) before starting them',
  running: 'GitLab runs on the restored data, but a check failed: read its output below before letting users in',
};
