/** How one check came out: `skipped` when it could not run (a check it needs failed, or it does not apply). */
export type CheckStatus = 'ok' | 'failed' | 'skipped';

/**
 * One read-only check and its finding, the shape the backup preflight returns and `ops doctor` will reuse: which
 * service it looked at, what it saw, and — when it failed — what to do about it.
 */
export interface CheckResult {
  /** Stable id, e.g. `ecs.agent`, `oss.read`, `host.mount`. */
  id: string;
  /** The service or component looked at: `ecs`, `oss`, `host`, `directmail`, … */
  service: string;
  status: CheckStatus;
  /** What was seen, in words (never a secret). */
  detail: string;
  /** What to do when it failed. */
  fix?: string;
  /** How long the check took. */
  elapsedMs: number;
}

/** What a check's `run` returns; the runner adds id, service and timing. */
export interface CheckOutcome {
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** A check to run. `needs` names checks that must be `ok` first; otherwise this one is `skipped`. */
export interface Check {
  id: string;
  service: string;
  needs?: readonly string[];
  run(): Promise<CheckOutcome>;
}

/** Shorthands for check outcomes. */
export const ok = (detail: string): CheckOutcome => ({ status: 'ok', detail });
export const failed = (detail: string, fix?: string): CheckOutcome => ({ status: 'failed', detail, ...(fix ? { fix } : {}) });
export const skipped = (detail: string): CheckOutcome => ({ status: 'skipped', detail });
