import { commitStatusReporter, type CommitStatusReporter, type GitlabPort } from '#shared/gitlab/api/index';
import type { Logger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/clock';
import type { InvokeRequest } from '#shared/runtime/decode-event';
import type { StoredProject } from './image-set-store';
import { PREWARM_STATUS } from './prewarm-status';

/** What changed, as the webhook read it (`source.trigger` of the worker request). */
export type RunTrigger = NonNullable<NonNullable<InvokeRequest['source']>['trigger']>;

/** The commit a hook run is about: it gets the run's commit status, and decides whether the run is superseded. */
export interface TriggerTarget {
  projectId: number;
  sha: string;
  ref?: string;
  path?: string;
}

/**
 * The trigger's commit, when it names one of the run's projects and the run has effects (a dry run sets no status
 * and skips nothing).
 */
export function triggerTarget(trigger: RunTrigger | undefined, projects: readonly number[] | undefined, dryRun: boolean): TriggerTarget | undefined {
  const id = trigger?.project?.id;
  if (dryRun || id === undefined || !trigger?.sha || !projects?.includes(id)) return undefined;
  return { projectId: id, sha: trigger.sha, ...(trigger.ref ? { ref: trigger.ref } : {}), ...(trigger.project?.path ? { path: trigger.project.path } : {}) };
}

/** The status reporter of a run on its commit (`gitlab-ask-ops/prewarm`). */
export function prewarmReporter(gitlab: GitlabPort, t: TriggerTarget, o: { clock: Clock; log: Logger }): CommitStatusReporter {
  return commitStatusReporter(gitlab, { project: t.projectId, sha: t.sha, name: PREWARM_STATUS, ...(t.ref ? { ref: t.ref } : {}), ...(t.path ? { path: t.path } : {}) }, o);
}

/** Why a run was skipped: its commit is no longer the branch head, and the head has been pre-warmed already. */
export interface Superseded {
  head: string;
  discoveredAt: string;
  reason: string;
}

/** A branch head as this run read it: `sha` undefined when GitLab gave no answer (branch gone, 403, outage). */
export interface HeadRead {
  ref: string;
  sha: string | undefined;
}

/**
 * The branch head a trusted hook run is compared with, read once per run (when the store knows a commit, so a skip
 * is possible): discovery records the same read with the project's entry instead of reading it again (collect-desired.ts).
 */
export async function readTriggerHead(gitlab: GitlabPort, t: TriggerTarget, stored: StoredProject | undefined): Promise<HeadRead | undefined> {
  const ref = t.ref ?? stored?.ref;
  if (!stored?.sha || !ref || !gitlab.branchHead) return undefined;
  // No answer (403, outage) means no skipping: running again costs little, skipping wrongly costs image pulls.
  return { ref, sha: await gitlab.branchHead(t.projectId, ref).catch(() => undefined) };
}

/**
 * Coalescing (docs/adr/0024): a queued run for commit S of a project is skipped when the project's default branch
 * has moved on to H and the image-set store already holds H's discovery — the run for H (or a later one) did S's
 * work with newer content. The newest commit is never skipped (S = H runs), nor is anything when the store or the
 * head is unknown. Pure: `head` is readTriggerHead's.
 */
export function supersededBy(t: TriggerTarget, stored: StoredProject | undefined, head: HeadRead | undefined): Superseded | undefined {
  const h = head?.sha;
  if (!stored?.sha || !h || h === t.sha || h !== stored.sha) return undefined;
  const at = stored.discoveredAt;
  return { head: h, discoveredAt: at, reason: `superseded: ${stored.path}@${t.sha.slice(0, 12)} is no longer the head of ${head.ref}; ${h.slice(0, 12)} was pre-warmed at ${at}` };
}
