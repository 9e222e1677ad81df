import type { ProjectInfo } from './types';

/** The v4 project JSON fields we read (GET /projects, GET /projects/:id). */
export interface RawProject {
  id: number;
  path_with_namespace: string;
  default_branch?: string | null;
  ci_config_path?: string | null;
  archived?: boolean;
  empty_repo?: boolean;
  repository_access_level?: string;
  last_activity_at?: string;
  namespace?: { id: number; full_path: string; kind: string };
  /** API::Entities::ProjectWithAccess: the caller's membership on the project and on its group. */
  permissions?: { project_access?: { access_level?: number } | null; group_access?: { access_level?: number } | null };
}

/** Narrow GitLab's project JSON to ProjectInfo (GitLab returns ~80 fields; we keep what our features use). */
export function toProjectInfo(p: RawProject): ProjectInfo {
  return {
    id: p.id,
    path_with_namespace: p.path_with_namespace,
    default_branch: p.default_branch ?? null,
    ci_config_path: p.ci_config_path || null,
    archived: p.archived === true,
    namespace: {
      id: p.namespace?.id ?? 0,
      full_path: p.namespace?.full_path ?? p.path_with_namespace.split('/').slice(0, -1).join('/'),
      kind: p.namespace?.kind === 'user' ? 'user' : 'group',
    },
    last_activity_at: p.last_activity_at ?? '',
    ...(p.permissions ? { access_level: Math.max(p.permissions.project_access?.access_level ?? 0, p.permissions.group_access?.access_level ?? 0) } : {}),
  };
}

/**
 * A project whose repository can hold a CI file: not empty, repository feature not disabled, has a default branch.
 * `empty_repo` and `repository_access_level` are in the non-simple project JSON (GitLab API docs, "List all projects").
 */
export function hasRepository(p: RawProject): boolean {
  return p.empty_repo !== true && p.repository_access_level !== 'disabled' && !!p.default_branch;
}
