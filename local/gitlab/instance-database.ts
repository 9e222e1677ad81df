import type { EmuDatabase } from '#local/ecs/emu-database';
import type { TokenRegistry } from './auth';
import type { RepoStore } from './repo-store';

/**
 * The instance's database as the emulated GitLab host dumps it into a backup (local/ecs/emu-database.ts) and
 * `GET /application/statistics` counts it: every project with its default branch's HEAD, the groups, and the users
 * (root plus everyone a token acts as). One function for both, so a backup restored in a drill counts what the API
 * shows until something changes.
 */
export function instanceDatabase(store: RepoStore, tokens: TokenRegistry): EmuDatabase {
  const users = new Set([1, ...tokens.principals().map((p) => p.userId)]);
  return {
    users: users.size,
    groups: store.groups.size,
    projects: store.projects.map((p) => {
      const branch = p.defaultBranch;
      const sha = branch ? (p.branches.get(branch) ?? null) : null;
      return { id: p.id, path: p.path_with_namespace, branch, sha, lastActivityAt: p.lastActivityAt };
    }),
  };
}
