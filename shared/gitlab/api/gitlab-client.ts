import type { RawVariable } from './merge-variables';
import type { RawProject } from './to-project-info';
import { createRequester } from './create-requester';
import type { PipelineInfo } from './types';

/** The handful of v4 calls the port makes, already shaped; one method = one HTTP request. */
export interface GitlabClient {
  /** One keyset page of `GET /projects` after `idAfter`; `next` = the `id_after` of the `rel="next"` link, or null. */
  listProjects(idAfter: number | null, perPage: number): Promise<{ data: RawProject[]; next: number | null }>;
  showProject(idOrPath: number | string): Promise<RawProject>;
  showRaw(project: number | string, path: string, ref: string): Promise<string>;
  lint(project: number | string, content: string | undefined, ref?: string): Promise<RawLint>;
  groupVariables(group: string): Promise<RawVariable[]>;
  projectVariables(project: number | string): Promise<RawVariable[]>;
  /** With `project`: the project templates route, the only one that serves nested keys such as `Security/SAST`. */
  template(name: string, project?: number | string): Promise<string>;
  tokenSelf(): Promise<RawToken>;
  currentUser(): Promise<RawUser>;
  createPipeline(project: number | string, ref: string, variables: Array<{ key: string; value: string }>): Promise<PipelineInfo>;
  showPipeline(project: number | string, id: number): Promise<PipelineInfo>;
  /** One page of `GET /projects/:id/repository/tree?recursive=true` (blobs and trees). */
  tree(project: number | string, ref: string, page: number): Promise<{ data: Array<{ path: string; type: string }>; next: number | null }>;
  /** One page of `GET /projects/:id/releases` (newest first). */
  releases(project: number | string, page: number): Promise<{ data: Array<{ tag_name: string; commit?: { id?: string } }>; next: number | null }>;
  /** `POST /projects/:id/statuses/:sha` with GitLab's parameter names. */
  postStatus(project: number | string, sha: string, body: Record<string, unknown>): Promise<RawCommitStatus>;
  /** `GET /projects/:id/repository/branches/:branch`. */
  branch(project: number | string, name: string): Promise<{ name: string; commit?: { id?: string } }>;
  /** `GET /metadata` (doc/api/metadata.md): `{version, revision, enterprise}`. */
  metadata(): Promise<{ version?: string; revision?: string; enterprise?: boolean }>;
  /** `GET /application/statistics` (administrators only): approximate counts as strings with delimiters. */
  statistics(): Promise<Record<string, string | number>>;
  /** `GET /projects/:id/repository/commits/:sha`. */
  commit(project: number | string, sha: string): Promise<{ id: string }>;
}

/** API::Entities::CommitStatus (lib/api/entities/commit_status.rb), the fields we read. */
export interface RawCommitStatus {
  id: number;
  sha: string;
  ref?: string | null;
  status: string;
  name: string;
  description?: string | null;
  pipeline_id?: number | null;
}

/** `GET /personal_access_tokens/self` (doc/api/personal_access_tokens.md). */
export interface RawToken {
  id: number;
  name: string;
  scopes: string[];
  active: boolean;
  revoked: boolean;
  expires_at: string | null;
  user_id: number;
}

/** `GET /user`: `is_admin` is only present (true) for administrators (API::Entities::UserWithAdmin). */
export interface RawUser {
  id: number;
  username: string;
  is_admin?: boolean;
  bot?: boolean;
}

/** The `rel="next"` target's `id_after` of a keyset page, or null on the last page. */
export function nextIdAfter(link: string | undefined): number | null {
  const next = /<([^>]+)>;\s*rel="next"/.exec(link ?? '')?.[1];
  if (!next) return null;
  // The link is built on the instance's configured external URL, which may not be the URL we call: take only the
  // cursor from it and ask our own base URL again.
  const v = new URL(next).searchParams.get('id_after');
  return v !== null && /^\d+$/.test(v) ? Number(v) : null;
}

export interface RawLint {
  valid?: boolean;
  merged_yaml?: string;
  errors?: unknown[];
  warnings?: unknown[];
}

// gitbeaker's resource methods are heavily generic; we call them through this loose shape and type the results above.
type Fn = (...args: unknown[]) => Promise<unknown>;
interface Loose {
  Projects: {
    all: Fn;
    show: Fn;
    requester: {
      get(ep: string, o?: { signal?: AbortSignal; searchParams?: Record<string, unknown> }): Promise<{ body: unknown; headers?: Record<string, string> }>;
      post(ep: string, o?: { signal?: AbortSignal; body?: Record<string, unknown> }): Promise<{ body: unknown }>;
    };
  };
  RepositoryFiles: { showRaw: Fn };
  Lint: { check: Fn; lint: Fn };
  GroupVariables: { all: Fn };
  ProjectVariables: { all: Fn };
  Pipelines: { create: Fn; show: Fn };
}

/**
 * Build the client on first use (the dynamic import keeps @gitbeaker out of cold starts that never call GitLab).
 * Raw file paths and project paths are passed as-is: gitbeaker's `endpoint` tag URL-encodes them
 * (https://github.com/jdalrymple/gitbeaker/blob/f185042b/packages/core/src/infrastructure/Utils.ts).
 */
export async function createGitlabClient(o: { url: string; token: string; timeoutMs: number }): Promise<GitlabClient> {
  const rest = await import('@gitbeaker/rest');
  const options = { host: o.url.replace(/\/+$/, ''), token: o.token, queryTimeout: o.timeoutMs, requesterFn: createRequester };
  // Only the six resources we call: `new Gitlab()` builds ~200 of them, each with its own rate limiters — measured
  // ~170 ms on first construction against ~0.3 ms for these six (ADR 0010).
  const api = {
    Projects: new rest.Projects(options),
    RepositoryFiles: new rest.RepositoryFiles(options),
    Lint: new rest.Lint(options),
    GroupVariables: new rest.GroupVariables(options),
    ProjectVariables: new rest.ProjectVariables(options),
    Pipelines: new rest.Pipelines(options),
  } as unknown as Loose;
  const asText = async (v: unknown): Promise<string> => (v instanceof Blob ? v.text() : String(v ?? ''));
  const get = (ep: string, searchParams?: Record<string, unknown>) =>
    api.Projects.requester.get(ep, { signal: AbortSignal.timeout(o.timeoutMs), ...(searchParams ? { searchParams } : {}) });
  return {
    // Keyset pagination (`pagination=keyset&order_by=id&sort=asc`): offset pagination is refused past 50,000 rows
    // on instances that enforce the plan's offset limit (lib/api/helpers/pagination_strategies.rb).
    async listProjects(idAfter, perPage) {
      const r = await get('projects', {
        pagination: 'keyset', order_by: 'id', sort: 'asc', per_page: perPage, archived: false, ...(idAfter !== null ? { id_after: idAfter } : {}),
      });
      return { data: r.body as RawProject[], next: nextIdAfter(r.headers?.link) };
    },
    showProject: async (id) => (await api.Projects.show(id)) as RawProject,
    showRaw: async (project, path, ref) => asText(await api.RepositoryFiles.showRaw(project, path, ref)),
    lint: async (project, content, ref) =>
      (content === undefined
        ? await api.Lint.check(project, ref ? { contentRef: ref } : {})
        : await api.Lint.lint(project, content, ref ? { ref } : {})) as RawLint,
    groupVariables: async (group) => (await api.GroupVariables.all(group, { perPage: 100 })) as RawVariable[],
    projectVariables: async (project) => (await api.ProjectVariables.all(project, { perPage: 100 })) as RawVariable[],
    // GitLabCIYMLTemplates.show emits a DeprecationWarning on every call; the same GET through the requester does not.
    async template(name, project) {
      const ep = project === undefined
        ? `templates/gitlab_ci_ymls/${encodeURIComponent(name)}`
        : `projects/${encodeURIComponent(String(project))}/templates/gitlab_ci_ymls/${encodeURIComponent(name)}`;
      return ((await get(ep)).body as { content?: string }).content ?? '';
    },
    tokenSelf: async () => (await get('personal_access_tokens/self')).body as RawToken,
    currentUser: async () => (await get('user')).body as RawUser,
    createPipeline: async (project, ref, variables) => (await api.Pipelines.create(project, ref, { variables })) as PipelineInfo,
    showPipeline: async (project, id) => (await api.Pipelines.show(project, id)) as PipelineInfo,
    // Through the requester: the Repositories/ProjectReleases resources would add two more gitbeaker classes.
    tree: (project, ref, page) => pageOf(api, `projects/${encodeURIComponent(project)}/repository/tree`, { ref, recursive: true, perPage: 100, page }, o.timeoutMs),
    releases: (project, page) => pageOf(api, `projects/${encodeURIComponent(project)}/releases`, { perPage: 100, page }, o.timeoutMs),
    // Through the requester too: gitbeaker's CommitStatuses resource would be one more class to construct.
    postStatus: async (project, sha, body) =>
      (await api.Projects.requester.post(`projects/${encodeURIComponent(project)}/statuses/${encodeURIComponent(sha)}`, { body, signal: AbortSignal.timeout(o.timeoutMs) })).body as RawCommitStatus,
    branch: async (project, name) =>
      (await get(`projects/${encodeURIComponent(project)}/repository/branches/${encodeURIComponent(name)}`)).body as { name: string; commit?: { id?: string } },
    metadata: async () => (await get('metadata')).body as { version?: string; revision?: string; enterprise?: boolean },
    statistics: async () => (await get('application/statistics')).body as Record<string, string | number>,
    commit: async (project, sha) => (await get(`projects/${encodeURIComponent(project)}/repository/commits/${encodeURIComponent(sha)}`)).body as { id: string },
  };
}

/** One offset page through the requester; `next` from GitLab's `x-next-page` header (empty on the last page). */
async function pageOf<T>(api: Loose, endpoint: string, searchParams: Record<string, unknown>, timeoutMs: number): Promise<{ data: T[]; next: number | null }> {
  const r = await api.Projects.requester.get(endpoint, { searchParams, signal: AbortSignal.timeout(timeoutMs) });
  const next = Number(r.headers?.['x-next-page'] ?? '');
  return { data: Array.isArray(r.body) ? (r.body as T[]) : [], next: Number.isInteger(next) && next > 0 ? next : null };
}
