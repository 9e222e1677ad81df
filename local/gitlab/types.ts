/** Seed and record types of the GitLab emulator. */

import type { Role, Visibility } from './access';

/** A CI/CD variable as GitLab stores it (fields as in GET /projects/:id/variables). */
export interface SeedVariable {
  key: string;
  value: string | null;
  variable_type?: 'env_var' | 'file';
  protected?: boolean;
  masked?: boolean;
  hidden?: boolean;
  raw?: boolean;
  environment_scope?: string;
  description?: string | null;
}

/** One project to serve. Files are arbitrary (the reconcile engineer's `infra` project puts YAML here). */
export interface SeedProject {
  /** Full path, e.g. `demo/java-demo`; the namespace groups are created from it. */
  path: string;
  /** Fixed id (default: assigned in seed order from 1). */
  id?: number;
  /** Default `main`. */
  defaultBranch?: string;
  /** Files on the default branch (path → content). */
  files?: Record<string, string>;
  /** More branches: name → files. */
  branches?: Record<string, Record<string, string>>;
  /** Tags: name → the full file set of the tagged commit (made on no branch). */
  tags?: Record<string, Record<string, string>>;
  /** Tags that carry a release (`GET /projects/:id/releases`), oldest first. */
  releases?: string[];
  /** A CI/CD Catalog resource: only then do `~latest` and partial component versions resolve (InstancePath). */
  catalog?: boolean;
  /** `ci_config_path` (empty = `.gitlab-ci.yml`). */
  ciConfigPath?: string;
  archived?: boolean;
  /** A project whose repository feature is disabled has no files and no default branch. */
  repositoryDisabled?: boolean;
  /** Namespace is a user (`alice/tools`) instead of a group. */
  userNamespace?: boolean;
  variables?: SeedVariable[];
  description?: string;
  /** Default `private`: only members (and admins) see it; `internal`/`public` projects are listed to everyone. */
  visibility?: Visibility;
  /**
   * `ci_pipeline_variables_minimum_override_role` when the project restricts pipeline variables (Settings → CI/CD →
   * Variables). Unset = unrestricted: whoever may create a pipeline may pass variables.
   */
  pipelineVariablesMinimumRole?: Role | 'no_one_allowed';
}

/**
 * A token the emulator accepts. GitLab's project and group access tokens are personal access tokens of a bot user
 * that is a member of that one project or group (doc/user/project/settings/project_access_tokens.md).
 */
export interface AccessSeed {
  token: string;
  /** Default `personal`. */
  kind?: 'personal' | 'project' | 'group';
  /** Default `['api']`. */
  scopes?: string[];
  /** Default: `root` for an admin, else a name derived from the token's id. */
  username?: string;
  admin?: boolean;
  /** Group or project full path → role. A project or group token holds exactly one (its resource). */
  memberships?: Record<string, Role>;
  name?: string;
  revoked?: boolean;
  /** `YYYY-MM-DD`; the token stops working at the start of that day (UTC), as GitLab's `expires_at`. */
  expiresAt?: string | null;
}

/** A registered hook. `events` for project hooks: 'push', 'pipeline' (GitLab's `*_events` flags). */
export interface HookConfig {
  id: number;
  url: string;
  token?: string;
  kind: 'system' | 'project';
  projectId?: number;
  events: string[];
  /** `enable_ssl_verification` (GitLab's default: true). */
  enableSslVerification?: boolean;
  /**
   * `alert_status` (gitlabhq app/models/concerns/web_hooks/auto_disabling.rb): `executable` unless GitLab disabled the
   * hook after repeated failures — `temporarily_disabled` until `disabledUntil`, or `disabled`. Neither fires.
   * Project hooks only: SystemHook does not include WebHooks::AutoDisabling (app/models/hooks/system_hook.rb), so the
   * emulator ignores it on a system hook and reports `executable` for one.
   */
  alertStatus?: 'executable' | 'temporarily_disabled' | 'disabled';
  disabledUntil?: string | null;
}

/** One HTTP attempt of a hook delivery. */
export interface DeliveryAttempt {
  webhookUuid: string;
  /** HTTP status, or undefined when the request failed (timeout, refused, reset). */
  status?: number;
  error?: string;
  durationMs: number;
  /** The receiver's answer as GitLab keeps it (headers; body cut to 8 KB). */
  responseHeaders?: Record<string, string>;
  responseBody?: string;
}

/**
 * One row of a hook's "Recent events": a WebHookLog as `GET /projects/:id/hooks/:hook_id/events` returns it
 * (gitlabhq lib/api/entities/web_hook_log.rb; doc/api/project_webhooks.md "Get a list of project webhook events").
 * GitLab writes one per attempt, for project and system hooks alike; only project hooks have the API.
 */
export interface WebHookLogEntry {
  id: number;
  /** Not part of the entity: which hook wrote it. */
  hookId: number;
  url: string;
  /** The hook's trigger name: `push_hooks`, `pipeline_hooks`, `merge_request_hooks`, `repository_update_hooks`. */
  trigger: string;
  /** The request's headers with `X-Gitlab-Token` as `[REDACTED]` (WebHookLog#request_headers). */
  request_headers: Record<string, string>;
  request_data: unknown;
  response_headers: Record<string, string>;
  response_body: string;
  /**
   * A string: the HTTP status, or `internal error` when no answer came (timeout, refused, a bad header:
   * WebHookService::InternalErrorResponse::ERROR_MESSAGE, which the `server_failure` filter includes).
   */
  response_status: string;
  /** Seconds (WebHookService: a monotonic-time difference; the unit is UNCONFIRMED beyond the docs' example 1.09). */
  execution_duration: number;
  /** ISO time; a test may backdate it (the API serves the last 7 days only). */
  created_at: string;
}

/** What the sender did for one hook execution (all its attempts). */
export interface DeliveryRecord {
  hookId: number;
  url: string;
  /** X-Gitlab-Event value. */
  event: string;
  /** `event_name` or `object_kind` of the payload. */
  kind: string;
  idempotencyKey: string;
  eventUuid: string;
  /** Exact headers of the last attempt (X-Gitlab-Token included: this is a test record, not a log). */
  headers: Record<string, string>;
  payload: unknown;
  attempts: DeliveryAttempt[];
  /**
   * GitLab's notion of success: 2xx or 3xx (`response_category` in
   * https://github.com/gitlabhq/gitlabhq/blob/017a6c12/app/services/web_hook_service.rb).
   */
  ok: boolean;
}
