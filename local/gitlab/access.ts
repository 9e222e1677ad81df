import type { Project } from './repo-store';

/**
 * Roles and abilities as GitLab's ProjectPolicy / GroupPolicy grant them, for the calls the product makes.
 * Access levels are Gitlab::Access (doc/api/members.md "Roles"); ability → minimum role follows
 * gitlabhq app/policies/project_policy.rb (`rule { can?(:reporter_access) }` enables :download_code,
 * `can?(:developer_access) & user_confirmed?` enables :create_pipeline, `can?(:maintainer_access)` enables
 * :admin_cicd_variables and :admin_project; `(~anonymous & public_project) | internal_access` gives non-members
 * :public_user_access → :read_project, :download_code, :read_pipeline; `can?(:guest_access)` enables :read_release; `archived` prevents :create_pipeline;
 * `can?(:reporter_access)` enables :read_commit_status, `can?(:developer_access)` :create_commit_status and
 * :update_pipeline) and
 * app/policies/group_policy.rb (`rule { owner }` enables :admin_cicd_variables on a group).
 */
export const ACCESS_LEVEL = { guest: 10, planner: 15, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;
export type Role = keyof typeof ACCESS_LEVEL;
export const ROLES = Object.keys(ACCESS_LEVEL) as Role[];

export type Visibility = 'private' | 'internal' | 'public';

/** Who a token acts as. `memberships`: group or project full path → access level (groups pass it down). */
export interface Principal {
  userId: number;
  username: string;
  name: string;
  admin: boolean;
  /** Project and group access tokens act as bot users (GitLab's `bot: true`). */
  bot: boolean;
  memberships: ReadonlyMap<string, number>;
}

export type ProjectAbility =
  | 'read_project' | 'read_release' | 'download_code' | 'read_pipeline' | 'create_pipeline' | 'set_pipeline_variables' | 'admin_cicd_variables' | 'admin_project'
  | 'read_commit_status' | 'create_commit_status';

const ancestors = (fullPath: string): string[] => {
  const parts = fullPath.split('/').filter(Boolean);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
};

/** The highest level `who` holds on the group `fullPath` through it or any enclosing group (0 = none). */
export function groupAccess(who: Principal, fullPath: string): number {
  return Math.max(0, ...ancestors(fullPath).map((g) => who.memberships.get(g) ?? 0));
}

/** The level on a project: direct membership or an enclosing group's, whichever is higher; owner of a user namespace. */
export function projectAccess(who: Principal, p: Project): number {
  if (p.namespace.kind === 'user') return p.namespace.full_path === who.username ? ACCESS_LEVEL.owner : (who.memberships.get(p.path_with_namespace) ?? 0);
  return Math.max(who.memberships.get(p.path_with_namespace) ?? 0, groupAccess(who, p.namespace.full_path));
}

export const visibilityOf = (p: Project): Visibility => p.seed.visibility ?? 'private';

/** ProjectPolicy for one ability. Admins (admin mode off, the self-managed default) can do all but what archiving prevents. */
export function can(who: Principal, ability: ProjectAbility, p: Project): boolean {
  const level = who.admin ? ACCESS_LEVEL.owner : projectAccess(who, p);
  const open = visibilityOf(p) !== 'private'; // :public_user_access for any signed-in user
  const repo = p.seed.repositoryDisabled !== true;
  const archived = p.seed.archived === true;
  switch (ability) {
    case 'read_project':
    case 'read_release': // `can?(:guest_access)` enables :read_release; non-members of open projects read them too
      return level >= ACCESS_LEVEL.guest || open;
    case 'download_code':
    case 'read_pipeline':
    case 'read_commit_status':
      return repo && (level >= ACCESS_LEVEL.reporter || open);
    case 'create_pipeline':
    case 'create_commit_status': // UNCONFIRMED that archiving prevents it too (it prevents every write ability)
      return repo && !archived && level >= ACCESS_LEVEL.developer;
    case 'set_pipeline_variables': {
      // ci_pipeline_variables_minimum_override_role: unrestricted projects let every pipeline creator set them.
      const min = p.seed.pipelineVariablesMinimumRole;
      if (min === undefined) return can(who, 'create_pipeline', p);
      return min !== 'no_one_allowed' && level >= ACCESS_LEVEL[min];
    }
    case 'admin_cicd_variables':
    case 'admin_project':
      return level >= ACCESS_LEVEL.maintainer;
  }
}

/** GroupPolicy :admin_cicd_variables (group CI/CD variables need the Owner role). */
export const canAdminGroupVariables = (who: Principal, fullPath: string): boolean => who.admin || groupAccess(who, fullPath) >= ACCESS_LEVEL.owner;

/** `permissions` of API::Entities::ProjectWithAccess: the direct project membership and the enclosing group's. */
export function permissionsJson(who: Principal | undefined, p: Project): Record<string, unknown> {
  const level = (n: number): Record<string, number> | null => (n > 0 ? { access_level: n, notification_level: 3 } : null);
  if (!who) return { project_access: null, group_access: null };
  const direct = p.namespace.kind === 'user' && p.namespace.full_path === who.username ? ACCESS_LEVEL.owner : (who.memberships.get(p.path_with_namespace) ?? 0);
  return { project_access: level(direct), group_access: p.namespace.kind === 'group' ? level(groupAccess(who, p.namespace.full_path)) : null };
}
