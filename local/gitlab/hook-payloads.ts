import { hookProjectJson, hookUserJson } from './api-json';
import { ROOT_USER, type Commit, type Project } from './repo-store';

/** Hook payload builders with the field names of GitLab's docs (gitlabhq doc/administration/system_hooks.md @ 017a6c12; gitlabhq doc/user/project/integrations/webhook_events.md @ 88d3e50d). */

function commitJson(p: Project, c: Commit, base: string): Record<string, unknown> {
  return {
    id: c.id,
    message: c.message,
    title: c.message.split('\n')[0],
    timestamp: c.timestamp,
    url: `${base}/${p.path_with_namespace}/-/commit/${c.id}`,
    author: { name: ROOT_USER.name, email: ROOT_USER.email },
    added: c.added,
    modified: c.modified,
    removed: c.removed,
  };
}

function repositoryJson(p: Project, base: string): Record<string, unknown> {
  const pj = hookProjectJson(p, base);
  return { name: p.path, url: pj.url, description: pj.description, homepage: pj.homepage, git_http_url: pj.git_http_url, git_ssh_url: pj.git_ssh_url, visibility_level: pj.visibility_level };
}

export interface PushFacts {
  project: Project;
  branch: string;
  before: string;
  commit: Commit;
  base: string;
}

/** System hook `push` (`event_name: push`, no `object_kind`) — or, with `project: true`, the project `Push Hook`. */
export function pushPayload(f: PushFacts, opts: { project?: boolean } = {}): Record<string, unknown> {
  const user = hookUserJson(f.base);
  const payload: Record<string, unknown> = {
    ...(opts.project ? { object_kind: 'push' } : {}),
    event_name: 'push',
    before: f.before,
    after: f.commit.id,
    ref: `refs/heads/${f.branch}`,
    ...(opts.project ? { ref_protected: f.branch === f.project.defaultBranch } : {}),
    checkout_sha: f.commit.id,
    message: null,
    user_id: ROOT_USER.id,
    user_name: ROOT_USER.name,
    user_username: ROOT_USER.username,
    user_email: ROOT_USER.email,
    user_avatar: user.avatar_url,
    project_id: f.project.id,
    project: hookProjectJson(f.project, f.base),
    repository: repositoryJson(f.project, f.base),
    commits: [commitJson(f.project, f.commit, f.base)],
    total_commits_count: 1,
  };
  return payload;
}

/** System hook `repository_update`: one per push, all refs in `changes[]` / `refs[]`. */
export function repositoryUpdatePayload(f: PushFacts): Record<string, unknown> {
  const ref = `refs/heads/${f.branch}`;
  return {
    event_name: 'repository_update',
    user_id: ROOT_USER.id,
    user_name: ROOT_USER.name,
    user_email: ROOT_USER.email,
    user_avatar: hookUserJson(f.base).avatar_url,
    project_id: f.project.id,
    project: hookProjectJson(f.project, f.base),
    changes: [{ before: f.before, after: f.commit.id, ref }],
    refs: [ref],
  };
}

/** The pipeline as hooks and the API see it. */
export interface PipelineState {
  id: number;
  iid: number;
  projectId: number;
  ref: string;
  sha: string;
  beforeSha: string;
  source: string;
  /** The composite status of all its jobs (what the API and hooks show). */
  status: string;
  /** The status of its own jobs (they move together); undefined for an external pipeline, which has none. */
  ownStatus?: string;
  /** External commit statuses on it: the latest status per name (POST /projects/:id/statuses/:sha). */
  external: Record<string, string>;
  stages: string[];
  builds: Array<{ id: number; name: string; stage: string }>;
  variables: Array<{ key: string; value: string }>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Recycled X-Gitlab-Event-UUID when a hook-triggered API call created the pipeline (recursion detection). */
  eventUuid?: string;
}

/** Project `Pipeline Hook` payload (`object_kind: pipeline`). */
export function pipelinePayload(p: Project, pl: PipelineState, commit: Commit | undefined, base: string): Record<string, unknown> {
  const duration = pl.finishedAt && pl.startedAt ? Math.round((Date.parse(pl.finishedAt) - Date.parse(pl.startedAt)) / 1000) : null;
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id: pl.id, iid: pl.iid, name: null, ref: pl.ref, tag: false, sha: pl.sha, before_sha: pl.beforeSha, source: pl.source,
      status: pl.status, detailed_status: pl.status, stages: pl.stages, created_at: pl.createdAt, finished_at: pl.finishedAt,
      duration, queued_duration: 0, variables: pl.variables, url: `${base}/${p.path_with_namespace}/-/pipelines/${pl.id}`,
    },
    merge_request: null,
    user: hookUserJson(base),
    project: hookProjectJson(p, base),
    commit: commit ? commitJson(p, commit, base) : null,
    builds: pl.builds.map((b) => ({
      id: b.id, stage: b.stage, name: b.name, status: pl.ownStatus ?? pl.status, created_at: pl.createdAt,
      started_at: pl.startedAt, finished_at: pl.finishedAt, duration, queued_duration: 0, failure_reason: null, when: 'on_success',
      manual: false, allow_failure: false, user: hookUserJson(base), runner: null, artifacts_file: { filename: null, size: null }, environment: null,
    })),
  };
}
