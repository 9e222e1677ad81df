import { commitStatusReporter, type CommitStatusReporter, type GitlabPort, type ProjectRef } from '#shared/gitlab/api/index';
import { isInfraProject } from '#shared/gitlab/hooks/hook-rules';
import type { Logger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/clock';
import type { InvokeRequest } from '#shared/runtime/decode-event';
import type { ReconcileReport } from './build-report';

/** The commit status reconcile sets on the infra commit that caused a run (GitLab's `name`/`context`). */
export const RECONCILE_STATUS = 'gitlab-ask-ops/reconcile';

/** A run's result status (the worker's ActionResult `status`: `failed` exits 1). */
export type ReconcileStatus = 'ok' | 'changed' | 'degraded' | 'failed';
/** What one condition (a step not applied, a finding) makes of a run. */
export type ConditionStatus = Extract<ReconcileStatus, 'degraded' | 'failed'>;

/** The one mapping from a run's status to its message's severity: result, exit code and ❌/⚠️ agree (ADR 0014 §10). */
export const RECONCILE_SEVERITY = { ok: 'ok', changed: 'ok', degraded: 'warn', failed: 'fail' } as const satisfies Record<ReconcileStatus, string>;

/** Rules whose finding means reconcile could not see what it checks (a 403: the state is unknown, not drifting). */
const BLIND = new Set(['rbac-forbidden']);

/**
 * `failed` when reconcile could not do or see its work: a step the Kubernetes API refused or broke on, a read refused
 * (403). `degraded` for what it saw and told: drift, a blocked or not-applied step, a Pending or Lost claim, a
 * Released or Failed PV, a stuck or failed release, Failed ImageCaches — the platform, not the run (ADR 0014 §10).
 */
export const stepStatus = (outcome: string): ConditionStatus => (outcome === 'failed' ? 'failed' : 'degraded');
/** See stepStatus. */
export const findingStatus = (rule: string): ConditionStatus => (BLIND.has(rule) ? 'failed' : 'degraded');

/**
 * The run's status (pure): failed on any failed condition; degraded while anything stays out of sync after the run;
 * changed when it applied a step or triggered the infra pipeline; ok otherwise.
 */
export function reconcileStatus(r: ReconcileReport): ReconcileStatus {
  const conditions = [...r.steps.filter((s) => s.outcome !== 'applied').map((s) => stepStatus(s.outcome)), ...r.findings.map((f) => findingStatus(f.rule))];
  if (conditions.includes('failed')) return 'failed';
  if (r.drift) return 'degraded';
  return r.steps.some((s) => s.outcome === 'applied') || r.remediation?.kind === 'triggered' ? 'changed' : 'ok';
}

type Trigger = NonNullable<NonNullable<InvokeRequest['source']>['trigger']>;

/** Which commit a run reads, and what the trigger's commit is told. */
export interface ReconcileCommit {
  /** Where the desired state is read: INFRA_REF's head commit when a status depends on it, else INFRA_REF. */
  readAt: string;
  /** The trigger's commit is the one read: it gets `running`, then the result. */
  reporter?: CommitStatusReporter;
  /** The trigger's commit is not the one read (INFRA_REF moved on): it gets only `skipped`, with the reason. */
  superseded?: { reporter: CommitStatusReporter; reason: string };
}

/**
 * A status judges the commit whose state the run read, so a hook run on an infra commit reads INFRA_REF's head by
 * its sha: when that is the trigger's commit it gets the result; when INFRA_REF moved on (a queued run for an older
 * commit) it gets `skipped`, as prewarm's superseded runs (docs/adr/0024). No status in dry runs, without a GitLab
 * port, for another project's commit, or when the head is unknown (a tag, an outage): never one on the wrong commit.
 */
export async function reconcileCommit(
  gitlab: GitlabPort | undefined,
  trigger: Trigger | undefined,
  o: { infraProject?: ProjectRef; infraRef: string; dryRun: boolean; clock: Clock; log: Logger },
): Promise<ReconcileCommit> {
  const id = trigger?.project?.id;
  const sha = trigger?.sha;
  const path = trigger?.project?.path;
  const none = { readAt: o.infraRef };
  if (!gitlab || o.dryRun || id === undefined || !sha || o.infraProject === undefined || !isInfraProject(String(o.infraProject), id, path)) return none;
  // One read; no answer (a tag, 403, an outage) sets no status: the file reads that follow will tell an outage.
  const head = gitlab.branchHead ? await gitlab.branchHead(o.infraProject, o.infraRef).catch(() => undefined) : undefined;
  if (!head) {
    o.log.warn('no commit status: the head of INFRA_REF is unknown', { ref: o.infraRef, commit: sha.slice(0, 12) });
    return none;
  }
  const reporter = commitStatusReporter(gitlab, { project: id, sha, name: RECONCILE_STATUS, ref: o.infraRef, ...(path ? { path } : {}) }, { clock: o.clock, log: o.log });
  if (head === sha) return { readAt: head, reporter };
  const reason = `superseded: ${path ?? id}@${sha.slice(0, 12)} is no longer the head of ${o.infraRef}; this run reconciled ${head.slice(0, 12)}`;
  return { readAt: head, superseded: { reporter, reason } };
}

/**
 * The commit status of a finished run (pure): success when everything declared is in sync (after what the run
 * applied), failed with the summary and the first reason otherwise — a drift left standing means the commit's
 * desired state is not what runs.
 */
export function reconcileCommitStatus(r: ReconcileReport): { state: 'success' | 'failed'; description: string } {
  if (!r.drift) return { state: 'success', description: `in sync: ${r.summary}` };
  const first = r.objects.find((o) => o.state !== 'Synced');
  const why = first ? ` — ${first.target}: ${first.reasons[0] ?? first.state}` : '';
  return { state: 'failed', description: `${r.summary}${why}` };
}
