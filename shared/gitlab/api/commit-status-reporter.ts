import { scrub, type Logger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/clock';
import { gitlabMessageOf, hasHttpStatus } from './to-gitlab-error';
import type { CommitState, GitlabPort, ProjectRef } from './types';

/** Where the statuses of one run go: a commit of a project, under one name (`gitlab-ask-ops/prewarm`). */
export interface StatusTarget {
  project: ProjectRef;
  sha: string;
  name: string;
  /** The branch the commit is on (the default branch the run is about). */
  ref?: string;
  /** For messages: the project's path when known. */
  path?: string;
}

/** What the statuses of a run came to: goes into the action's report. */
export interface CommitStatusReport {
  name: string;
  project: ProjectRef;
  sha: string;
  /** States GitLab accepted, in order. */
  posted: Array<{ state: CommitState; description: string }>;
  /** Why a status was not set (once per run): the run itself is not affected by it. */
  problem?: string;
}

export interface CommitStatusReporter {
  /** Set the status; never throws (a status is a courtesy to developers, not part of the work). True when set. */
  set(state: CommitState, description: string): Promise<boolean>;
  report(): CommitStatusReport;
}

export interface ReporterOptions {
  clock: Clock;
  log?: Logger;
  /** Attempts after a 409 "Another update to this commit status is in progress" (default 2). */
  conflictRetries?: number;
  /** Wait before each of those, times the attempt number (default 2 s; GitLab itself already waited ~10 s). */
  conflictWaitMs?: number;
}

/**
 * Post a run's statuses to one commit (lib/api/commit_statuses.rb). A 403 (token without the api scope or
 * Developer) or 404 (commit gone) stops further posts and is reported once; 409 is retried a little, then reported;
 * a 400 saying the status is already in the requested state (a repeated post after a lost answer) counts as set.
 * @example
 * const s = commitStatusReporter(gitlab, { project: 15, sha, name: 'gitlab-ask-ops/prewarm', ref: 'main' }, { clock });
 * await s.set('running', 'pre-warming images'); … await s.set('success', '12 images in 2 caches, Ready');
 */
export function commitStatusReporter(gitlab: Pick<GitlabPort, 'setCommitStatus'>, t: StatusTarget, o: ReporterOptions): CommitStatusReporter {
  const rep: CommitStatusReport = { name: t.name, project: t.project, sha: t.sha, posted: [] };
  let stopped = false;
  const where = `${t.path ?? t.project}@${t.sha.slice(0, 12)}`;
  const problem = (why: string, stop: boolean): false => {
    stopped ||= stop;
    if (rep.problem === undefined) {
      rep.problem = why;
      o.log?.warn('commit status not set', { status: t.name, commit: where, why });
    }
    return false;
  };
  return {
    async set(state, raw) {
      if (stopped) return false;
      // Every project Developer reads a commit status: no registered secret (token, STS key) in an error text gets there.
      const description = scrub(raw);
      for (let attempt = 0; ; attempt++) {
        try {
          await gitlab.setCommitStatus(t.project, t.sha, { state, name: t.name, description, ...(t.ref ? { ref: t.ref } : {}) });
          rep.posted.push({ state, description });
          return true;
        } catch (e) {
          const said = gitlabMessageOf(e) ?? (e as Error).message;
          if (hasHttpStatus(e, 403)) return problem(`token cannot set commit statuses on ${t.path ?? `project ${t.project}`} (needs the api scope and Developer): ${said}`, true);
          if (hasHttpStatus(e, 404)) return problem(`GitLab does not know commit ${where} (deleted or force-pushed away?): ${said}`, true);
          if (hasHttpStatus(e, 400) && said.includes(`from :${state} `)) {
            rep.posted.push({ state, description });
            return true;
          }
          const busy = hasHttpStatus(e, 409);
          const transient = busy || (e as { retryable?: boolean }).retryable === true;
          if (!transient || attempt >= (busy ? (o.conflictRetries ?? 2) : 1)) return problem(`${t.name}=${state} on ${where}: ${said}`, false);
          await o.clock.sleep((o.conflictWaitMs ?? 2_000) * (attempt + 1));
        }
      }
    },
    report: () => ({ ...rep, posted: [...rep.posted] }),
  };
}
