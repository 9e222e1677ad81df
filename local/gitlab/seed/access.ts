import type { Role } from '../access';
import type { AccessSeed, SeedProject, SeedVariable } from '../types';

/** The user the sandbox's GITLAB_TOKEN belongs to (not an administrator). */
export const SANDBOX_USER = 'gitlab-ask-ops';

/**
 * The documented minimum for every feature the product uses (README "GitLab token"): a personal access token with
 * the `api` scope (CI lint and remediation pipelines are POSTs; discovery alone needs `read_api`), Maintainer on
 * every project it walks (project CI/CD variables), Owner on each group that holds CI/CD variables (group variables).
 * Memberships are given on the top-level groups (they pass down) and on the groups with variables.
 */
export function minimumAccess(projects: SeedProject[], groupVariables: Record<string, SeedVariable[]> = {}): Omit<AccessSeed, 'token'> {
  const memberships: Record<string, Role> = {};
  for (const p of projects) if (!p.userNamespace) memberships[p.path.split('/')[0]!] = 'maintainer';
  for (const [group, vars] of Object.entries(groupVariables)) if (vars.length > 0) memberships[group] = 'owner';
  return { username: SANDBOX_USER, name: 'gitlab-ask-ops', scopes: ['api'], memberships };
}
