/** One finding of a drill: the restore's own steps and checks, and the comparison with the live instance. */
export interface DrillCheck {
  id: string;
  /** `differs`: the numbers differ in a way the time since the backup explains; it does not fail the drill. */
  status: 'ok' | 'failed' | 'skipped' | 'differs';
  detail: string;
}

/** A count in the restored instance and in the live one (null when the live one could not be read). */
export interface CountPair {
  restored: number;
  live: number | null;
}

/** What the drill counted, next to the live instance. */
export interface DrillCounts {
  projects: CountPair;
  users: CountPair;
  groups: CountPair;
  repositories: Array<{ path: string; branch: string | null; restored: string | null; live: string | null; status: DrillCheck['status'] }>;
}

/**
 * The restore drill's report (`{"report": …}` of its result): which backup, which GitLab, passed or failed, the
 * measured RTO (pod created → GitLab's checks passed), every check, the counts — and where its objects went.
 */
export interface DrillReport {
  backup: string;
  gitlabVersion: string;
  result: 'passed' | 'failed';
  /** Seconds from creating the pod to the end of gitlab:doctor:secrets; null when the restore did not get there. */
  rtoSeconds: number | null;
  checks: DrillCheck[];
  counts: DrillCounts | null;
  /** Where it failed (`preconditions`, `create`, `image`, a script step, `deadline`, `compare`) and why. */
  step?: string;
  cause?: string;
  fix?: string;
  /** The pod's last log lines (its result line left out) when the pod failed: what the fix tells to read. */
  logTail?: string[];
  runbook: string;
  pod?: { name: string; namespace: string; image: string; specs: string; extraStorageGiB: number; phase?: string; spec?: string };
  /** Milliseconds per step of the drill script. */
  timingsMs?: Record<string, number>;
  startedAt: string;
  finishedAt: string;
  /** Wall time of the whole drill in the worker, and the part the pod's script spent. */
  wallSeconds: number;
  scriptSeconds?: number;
  /** Drill objects removed (this drill's, and those an earlier one leaked), and any still there. */
  cleanup: { deleted: string[]; leftover: string[]; leaked: string[] };
  /** The OSS key the report was stored under (`<prefix>verified/<backup>.drill.json`). */
  stored?: string;
  storeError?: string;
  notify?: Record<string, unknown>;
}
