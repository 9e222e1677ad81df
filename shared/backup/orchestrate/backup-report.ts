import type { RetentionCheck } from '../retention/check-retention';
import type { VerifiedFile } from '../verify/verify-backup';

/**
 * Outcome of one backup trigger:
 * - `planned`: dry run, nothing sent;
 * - `verified`: the host succeeded and OSS confirmed every file;
 * - `already-verified`: an earlier trigger tonight verified this run (nothing started);
 * - `running`: the worker's deadline came while the host was still working (the next trigger attaches to it);
 * - `failed`: see `step` and `cause`.
 */
export type BackupStatus = 'planned' | 'verified' | 'already-verified' | 'running' | 'failed';

/** The backup action's report (the `report` of its ActionResult); secret-free, safe to return and mail. */
export interface BackupReport {
  name: string;
  status: BackupStatus;
  instanceId: string;
  invokeId?: string;
  /** True when this trigger found tonight's invocation and followed it instead of starting another. */
  attached: boolean;
  step?: string;
  cause?: string;
  invocationStatus?: string;
  errorCode?: string;
  startedAt?: string;
  finishedAt?: string;
  durationSec?: number;
  gitlabVersion?: string;
  files?: VerifiedFile[];
  verifyProblems?: string[];
  retention?: RetentionCheck;
  /** Backups kept on OSS and their total size. */
  backupsKept?: number;
  totalBytes?: number;
  logTail?: string[];
  verifiedRecord?: string;
  /** Mail outcome: sent, skipped (not configured) or the error. */
  mail?: { sent: boolean; detail?: string };
  /** dryRun: the script RunCommand would send, and its size. */
  script?: { bytes: number; base64Bytes: number; text: string };
}
