/**
 * The narrow GitLab port: only the v4 calls our features make (docs.gitlab.com/api; gitbeaker 43.8.0 resources). Everything else about
 * GitLab stays out of the domain code.
 */

/** What we keep of a GitLab project (names as GitLab's JSON, so hook payloads and API answers line up). */
export interface ProjectInfo {
  id: number;
  path_with_namespace: string;
  /** Null on an empty repository. */
  default_branch: string | null;
  /** Null/empty = `.gitlab-ci.yml`; may be `path@group/project` (config in another project). */
  ci_config_path: string | null;
  archived: boolean;
  namespace: { id: number; full_path: string; kind: 'group' | 'user' };
  last_activity_at: string;
  /**
   * The token's access level on the project (10 Guest, 20 Reporter, 30 Developer, 40 Maintainer, 50 Owner): the
   * higher of `permissions.project_access` and `permissions.group_access`; 0 = not a member (internal/public
   * project, or an admin). Absent when the answer had no `permissions` (older instances).
   */
  access_level?: number;
}

/** CI/CD variables for image names, and what could not be read (with the reason, e.g. the role the token lacks). */
export interface CiVariables {
  variables: Record<string, string>;
  /** One line per list not read: `token lacks Maintainer on project g/p: project CI/CD variables not read`. */
  denied: string[];
}

/** The token itself (`GET /personal_access_tokens/self`) and whom it acts as (`GET /user`). */
export interface TokenInfo {
  id: number;
  name: string;
  scopes: string[];
  active: boolean;
  expiresAt: string | null;
}

export interface UserInfo {
  id: number;
  username: string;
  admin: boolean;
  bot: boolean;
}

/** A project reference as GitLab accepts it: numeric id or full path (the client URL-encodes it). */
export type ProjectRef = number | string;

export interface ListProjectsOptions {
  /** Page size (GitLab caps it at 100). */
  perPage?: number;
  /** Stop after this many pages (a guard for huge instances). */
  maxPages?: number;
}

/** The merged configuration from `POST /projects/:id/ci/lint`. */
export interface LintResult {
  valid: boolean;
  /** Config after includes are merged; may use Ruby-symbol keys on old instances (gitlabhq doc/api/lint.md @ 00871a93). */
  mergedYaml?: string;
  errors: string[];
}

export interface PipelineInfo {
  id: number;
  status: string;
  web_url: string;
  ref?: string;
  sha?: string;
}

/** States a commit status can be set to (lib/api/commit_statuses.rb; `skipped` since GitLab 17.x, MR !168350). */
export type CommitState = 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped';

/** One external commit status to set: `name` is GitLab's `name`/`context` (e.g. `gitlab-ask-ops/prewarm`). */
export interface CommitStatusInput {
  state: CommitState;
  name: string;
  /** ≤ 255 characters (GitLab refuses longer ones with 400); the port cuts it. */
  description?: string;
  /** Branch or tag the status is about; without it GitLab picks the commit's pipeline ref or first branch. */
  ref?: string;
  targetUrl?: string;
}

/** The status as GitLab answered (API::Entities::CommitStatus subset). */
export interface CommitStatusInfo {
  id: number;
  sha: string;
  ref: string | null;
  status: string;
  name: string;
  description: string | null;
  pipelineId: number | null;
}

export interface VariableOptions {
  /** Include variables marked protected (they apply on protected refs, usually the default branch). Default true. */
  includeProtected?: boolean;
}

/** The GitLab port (`ports.gitlab`). Errors are AppError 'GITLAB_API' with `retryable` set. */
export interface GitlabPort {
  /** Active (not archived) projects that have a repository, all pages. */
  listActiveProjects(opts?: ListProjectsOptions): Promise<ProjectInfo[]>;
  getProject(idOrPath: ProjectRef): Promise<ProjectInfo>;
  /** Raw file at ref; undefined when the file (or ref) does not exist. */
  readFile(project: ProjectRef, path: string, ref: string): Promise<string | undefined>;
  /**
   * Lint with includes merged; undefined when the instance does not offer the endpoint to us (404/403). A 403 for
   * the token's scopes (`read_api`) is remembered: later calls answer undefined without asking again.
   */
  lintMerged(project: ProjectRef, content: string | undefined, ref?: string): Promise<LintResult | undefined>;
  /**
   * CI/CD variables usable for image names: the namespace's groups (outermost first) overridden by the project's.
   * Masked, hidden and file-type variables and non-`*` environment scopes are left out (secrets never leave GitLab).
   */
  projectVariables(project: ProjectRef, opts?: VariableOptions): Promise<Record<string, string>>;
  /**
   * As `projectVariables`, but a list the token may not read (403: project variables need Maintainer, group
   * variables Owner) is skipped and named in `denied` instead of failing the call.
   */
  readCiVariables(project: ProjectRef | ProjectInfo, opts?: VariableOptions): Promise<CiVariables>;
  /**
   * A CI template by key (`Docker`, `Security/SAST`, `Jobs/Build`); undefined when unknown. With `project`, through
   * `GET /projects/:id/templates/gitlab_ci_ymls/:key`, the only route that serves nested keys; without, through the
   * global `GET /templates/gitlab_ci_ymls/:key`, which takes `[\w.-]+` names only.
   */
  readTemplate(name: string, project?: ProjectRef): Promise<string | undefined>;
  /** `GET /personal_access_tokens/self`: the token's scopes and state (project/group access tokens too). */
  tokenSelf(): Promise<TokenInfo>;
  /** `GET /user`: who the token acts as, and whether that user is an administrator. */
  currentUser(): Promise<UserInfo>;
  createPipeline(project: ProjectRef, ref: string, variables?: Record<string, string>): Promise<PipelineInfo>;
  getPipeline(project: ProjectRef, id: number): Promise<PipelineInfo>;
  /**
   * Every file path of the repository at `ref` (`include:rules:exists`, wildcard `include:local`); undefined when the
   * project or ref is unknown, or the tree has more than `maxFiles` entries. Optional for test doubles.
   */
  listFiles?(project: ProjectRef, ref: string, opts?: { maxFiles?: number }): Promise<string[] | undefined>;
  /** Releases (tag, commit sha), newest first; undefined when the project is unknown (`include:component` versions). */
  listReleases?(project: ProjectRef): Promise<Array<{ tag: string; sha: string }> | undefined>;
  /**
   * `POST /projects/:id/statuses/:sha` (Developer and the `api` scope). Not retried on answers: a repeated state can be
   * an invalid transition (400), and 409 means another update of that commit holds GitLab's lock.
   */
  setCommitStatus(project: ProjectRef, sha: string, status: CommitStatusInput): Promise<CommitStatusInfo>;
  /** The commit a branch points at (`GET /projects/:id/repository/branches/:branch`); undefined when there is no such branch. */
  branchHead?(project: ProjectRef, branch: string): Promise<string | undefined>;
  /** `GET /metadata`: the instance's version (`17.5.1-ee`) and edition, for any authenticated token. */
  metadata?(): Promise<InstanceMetadata>;
  /**
   * `GET /application/statistics` (an administrator's token; others get 403): the instance's projects, users and
   * groups (exact below 10,000; GitLab's approximate counts above, lib/api/statistics.rb).
   */
  instanceCounts?(): Promise<{ projects: number; users: number; groups: number }>;
  /** Whether the repository knows commit `sha` (`GET /projects/:id/repository/commits/:sha`; 404 = no). */
  hasCommit?(project: ProjectRef, sha: string): Promise<boolean>;
}

/** `GET /metadata` (doc/api/metadata.md). */
export interface InstanceMetadata {
  version: string;
  revision?: string;
  /** True on Enterprise Edition (absent on old instances: the `-ee` suffix of `version` says it then). */
  enterprise?: boolean;
}
