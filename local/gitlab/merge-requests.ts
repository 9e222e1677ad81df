import { hookProjectJson, hookUserJson } from './api-json';
import type { HookFanout } from './hook-fanout';
import type { Commit, Project, RepoStore } from './repo-store';

export type MergeRequestAction = 'open' | 'update' | 'merge' | 'close' | 'reopen';

/** A merge request as the emulator keeps it. */
export interface MergeRequest {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  sourceBranch: string;
  targetBranch: string;
  state: 'opened' | 'merged' | 'closed';
  /** The commit the merge made on the target branch (`merge_commit_sha`), once merged. */
  mergeCommitSha?: string;
  createdAt: string;
  updatedAt: string;
}

export interface MergeRequestInput {
  action: MergeRequestAction;
  /** The merge request to act on (not needed to open one). */
  iid?: number;
  sourceBranch?: string;
  /** Default: the project's default branch. */
  targetBranch?: string;
  title?: string;
}

/** Pushes a commit and fires its push hooks (the emulator's push). */
export type PushFn = (p: Project, branch: string, files: Record<string, string | null>, message: string) => string;

const STATE: Record<MergeRequestAction, MergeRequest['state']> = { open: 'opened', update: 'opened', reopen: 'opened', merge: 'merged', close: 'closed' };


/** `merge_request` payload, the same for the system hook and the project `Merge Request Hook`
 * (https://github.com/gitlabhq/gitlabhq/blob/017a6c12/doc/administration/system_hooks.md). */
export function mergeRequestPayload(p: Project, mr: MergeRequest, action: MergeRequestAction, last: Commit | undefined, base: string): Record<string, unknown> {
  const project = hookProjectJson(p, base);
  const url = `${base}/${p.path_with_namespace}/-/merge_requests/${mr.iid}`;
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: hookUserJson(base),
    project,
    repository: { name: p.path, url: project.url, description: project.description, homepage: project.homepage },
    object_attributes: {
      id: mr.id, iid: mr.iid, title: mr.title, target_branch: mr.targetBranch, source_branch: mr.sourceBranch,
      source_project_id: p.id, target_project_id: p.id, state: mr.state, merge_status: mr.state === 'merged' ? 'can_be_merged' : 'unchecked',
      action, url, created_at: mr.createdAt, updated_at: mr.updatedAt, draft: false, work_in_progress: false, merge_commit_sha: mr.mergeCommitSha ?? null,
      last_commit: last ? { id: last.id, message: last.message, title: last.message.split('\n')[0], timestamp: last.timestamp, url: `${base}/${p.path_with_namespace}/-/commit/${last.id}` } : null,
      source: project, target: project,
    },
    labels: [],
    changes: action === 'merge' || action === 'close' ? { state: { previous: 'opened', current: mr.state } } : {},
  };
}

/** Merge requests of all projects; each action fires the merge_request hooks (a merge also pushes first). */
export class MergeRequests {
  private readonly all: MergeRequest[] = [];

  constructor(private readonly store: RepoStore, private readonly fanout: HookFanout, private readonly base: () => string) {}

  apply(p: Project, input: MergeRequestInput, push: PushFn): MergeRequest {
    const now = new Date().toISOString();
    let mr = this.all.find((m) => m.projectId === p.id && m.iid === input.iid);
    if (input.action === 'open' && !mr) {
      if (!input.sourceBranch || !p.branches.has(input.sourceBranch)) throw new Error(`gitlab emulator: no branch ${input.sourceBranch}`);
      mr = {
        id: 5000 + this.all.length, iid: this.all.filter((m) => m.projectId === p.id).length + 1, projectId: p.id,
        title: input.title ?? input.sourceBranch, sourceBranch: input.sourceBranch, targetBranch: input.targetBranch ?? p.defaultBranch!,
        state: 'opened', createdAt: now, updatedAt: now,
      };
      this.all.push(mr);
    }
    if (!mr) throw new Error(`gitlab emulator: no merge request !${input.iid}`);
    if (input.action === 'merge') {
      const src = this.store.resolveRef(p, mr.sourceBranch)!.files;
      const tgt = this.store.resolveRef(p, mr.targetBranch)?.files ?? new Map<string, string>();
      const changes: Record<string, string | null> = Object.fromEntries([...tgt.keys()].filter((k) => !src.has(k)).map((k) => [k, null]));
      for (const [k, v] of src) if (tgt.get(k) !== v) changes[k] = v;
      mr.mergeCommitSha = push(p, mr.targetBranch, changes, `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'`);
    }
    Object.assign(mr, { state: STATE[input.action], updatedAt: now, ...(input.title ? { title: input.title } : {}) });
    const last = this.store.resolveRef(p, input.action === 'merge' ? mr.targetBranch : mr.sourceBranch);
    this.fanout.mergeRequest(p.id, mergeRequestPayload(p, mr, input.action, last, this.base()));
    return { ...mr };
  }
}
