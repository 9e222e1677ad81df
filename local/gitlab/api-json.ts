import { permissionsJson, visibilityOf, type Principal } from './access';
import { ROOT_USER, type Project } from './repo-store';

/**
 * JSON shapes as GitLab renders them (API::Entities::Project, hook `project` objects). Only a realistic subset of
 * fields, but every field the port or a hook consumer reads is present with GitLab's name and type.
 */

/** API::Entities::ProjectWithAccess: with a caller, `permissions` shows its project and group access levels. */
export function projectJson(p: Project, base: string, who?: Principal): Record<string, unknown> {
  const web = `${base}/${p.path_with_namespace}`;
  const host = new URL(base).host;
  const disabled = p.seed.repositoryDisabled === true;
  return {
    id: p.id,
    description: p.seed.description ?? null,
    name: p.path,
    name_with_namespace: p.path_with_namespace.split('/').join(' / '),
    path: p.path,
    path_with_namespace: p.path_with_namespace,
    created_at: p.createdAt,
    default_branch: p.defaultBranch,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${host}:${p.path_with_namespace}.git`,
    http_url_to_repo: `${web}.git`,
    web_url: web,
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: p.lastActivityAt,
    namespace: {
      id: p.namespace.id,
      name: p.namespace.path,
      path: p.namespace.path,
      kind: p.namespace.kind,
      full_path: p.namespace.full_path,
      parent_id: p.namespace.parent_id,
      avatar_url: null,
      web_url: `${base}/${p.namespace.kind === 'group' ? 'groups/' : ''}${p.namespace.full_path}`,
    },
    visibility: visibilityOf(p),
    archived: p.seed.archived === true,
    empty_repo: p.commits.size === 0,
    repository_access_level: disabled ? 'disabled' : 'enabled',
    builds_access_level: disabled ? 'disabled' : 'enabled',
    jobs_enabled: !disabled,
    ci_config_path: p.seed.ciConfigPath ?? '',
    shared_runners_enabled: true,
    creator_id: ROOT_USER.id,
    permissions: permissionsJson(who, p),
  };
}

/** The `project` object inside hook payloads (system push / repository_update / Push Hook / Pipeline Hook). */
export function hookProjectJson(p: Project, base: string): Record<string, unknown> {
  const web = `${base}/${p.path_with_namespace}`;
  const ssh = `git@${new URL(base).host}:${p.path_with_namespace}.git`;
  return {
    id: p.id,
    name: p.path,
    description: p.seed.description ?? '',
    web_url: web,
    avatar_url: null,
    git_ssh_url: ssh,
    git_http_url: `${web}.git`,
    namespace: p.namespace.path,
    visibility_level: { private: 0, internal: 10, public: 20 }[visibilityOf(p)],
    path_with_namespace: p.path_with_namespace,
    default_branch: p.defaultBranch,
    ci_config_path: p.seed.ciConfigPath ?? '',
    homepage: web,
    url: ssh,
    ssh_url: ssh,
    http_url: `${web}.git`,
  };
}

/** The `user` object of hook payloads. */
export function hookUserJson(base: string): Record<string, unknown> {
  return { id: ROOT_USER.id, name: ROOT_USER.name, username: ROOT_USER.username, avatar_url: `${base}/uploads/-/system/user/avatar/1/avatar.png`, email: ROOT_USER.email };
}
