import type { CheckResult } from '#shared/checks/index';
import type { RetentionOutcome } from '../retention/apply-retention';
import type { VerifiedFile } from '../verify/verify-backup';

/**
 * Outcome of one backup invocation:
 * - `planned`: dry run (a read-only preflight), nothing sent;
 * - `verified`: the host succeeded, OSS confirmed every file, the verified record is written, retention applied;
 * - `running`: the worker's deadline came while the host was still working (FC's retry of this task follows it);
 * - `failed`: see `step`, `cause` and `fix`.
 */
export type BackupStatus = 'planned' | 'verified' | 'running' | 'failed';

/** The backup action's report (the `report` of its ActionResult); secret-free, safe to return, store and mail. */
export interface BackupReport {
  name: string;
  label?: string;
  status: BackupStatus;
  instanceId: string;
  /** Identity of the invocation (timer firing, async task, request id): FC's retries of one task share it. */
  runKey: string;
  invokeId?: string;
  /** This attempt found its run's invocation already started (an FC retry of the same task) and followed it. */
  attached: boolean;
  /** This attempt found its run already reported: the stored report is returned again (no new backup). */
  replayed?: boolean;
  /**
   * Another attempt of this run (an at-least-once re-delivery following the same invocation) wrote the verified
   * record first: that attempt owns retention and the report; this one waits for it (report-run.ts).
   */
  recordedByOther?: boolean;
  step?: string;
  cause?: string;
  /** What to do about a failure, in plain words (the fstab line, the RAM action, …). */
  fix?: string;
  invocationStatus?: string;
  errorCode?: string;
  startedAt?: string;
  finishedAt?: string;
  durationSec?: number;
  gitlabVersion?: string;
  files?: VerifiedFile[];
  verifyProblems?: string[];
  verifiedRecord?: string;
  /** What retention kept and pruned this run; a run that was not verified prunes nothing. */
  retention?: RetentionOutcome;
  /** Verified backups on OSS after this run. */
  backupsKept?: number;
  logTail?: string[];
  /**
   * Message outcome over every channel (mail, DingTalk, Slack): sent (≥1 delivered), failed (every configured one
   * failed), the errors or why skipped, how many sends were tried for this report, and each channel's result.
   */
  mail?: { sent: boolean; failed?: boolean; attempts: number; detail?: string; channels?: Record<string, 'sent' | 'skipped' | 'failed'> };
  /** Dry run: the read-only checks. */
  preflight?: CheckResult[];
  /** Dry run: the size of the script RunCommand would send (`ops backup-script` prints it). */
  script?: { bytes: number; base64Bytes: number };
}
