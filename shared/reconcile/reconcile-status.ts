import { commitStatusReporter, type CommitStatusReporter, type GitlabPort } from '#shared/gitlab/api/index';
import type { Logger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/clock';
import type { InvokeRequest } from '#shared/runtime/decode-event';
import type { ReconcileReport } from './build-report';

/** The commit status reconcile sets on the infra commit that caused a run (GitLab's `name`/`context`). */
export const RECONCILE_STATUS = 'gitlab-ask-ops/reconcile';

type Trigger = NonNullable<NonNullable<InvokeRequest['source']>['trigger']>;

/**
 * The reporter for a hook run on an infra commit: only with a commit to set it on, a GitLab port, and effects (a dry
 * run sets no status).
 */
export function reconcileReporter(gitlab: GitlabPort | undefined, trigger: Trigger | undefined, o: { dryRun: boolean; clock: Clock; log: Logger }): CommitStatusReporter | undefined {
  const id = trigger?.project?.id;
  if (!gitlab || o.dryRun || id === undefined || !trigger?.sha) return undefined;
  const path = trigger.project?.path;
  return commitStatusReporter(gitlab, { project: id, sha: trigger.sha, name: RECONCILE_STATUS, ...(trigger.ref ? { ref: trigger.ref } : {}), ...(path ? { path } : {}) }, { clock: o.clock, log: o.log });
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
