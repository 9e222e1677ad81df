/**
 * The emulated GitLab instance's database, as much of it as the stand-ins need: what `gitlab-backup create` dumps
 * into db/database.sql.gz and `gitlab-backup restore` loads back, what the restore drill counts. A host gets it from
 * the sandbox's GitLab emulator (the live instance: local/gitlab/instance-database.ts) or a small default.
 */
export interface EmuDatabase {
  users: number;
  groups: number;
  /** Projects with their default branch's HEAD commit (null: empty repository). */
  projects: Array<{ id: number; path: string; branch: string | null; sha: string | null; lastActivityAt: string }>;
}

/** A small instance for hosts not wired to a GitLab emulator. */
export const DEFAULT_EMU_DATABASE: EmuDatabase = {
  users: 3,
  groups: 2,
  projects: [
    { id: 1, path: 'demo/java-demo', branch: 'main', sha: 'c3f0b2a1d4e5f60718293a4b5c6d7e8f90a1b2c3', lastActivityAt: '2026-11-01T10:00:00Z' },
    { id: 2, path: 'ops/infra', branch: 'main', sha: '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d', lastActivityAt: '2026-11-02T10:00:00Z' },
  ],
};

const clean = (s: string): string => s.replace(/[\t\n\r]/g, ' ');

/** The table the stand-ins read (`.emu/db.tsv`): `users N`, `groups N`, `project ID PATH BRANCH SHA ACTIVITY`. */
export function emuDatabaseTsv(db: EmuDatabase): string {
  const rows = [`users\t${db.users}`, `groups\t${db.groups}`, ...db.projects.map((p) => ['project', p.id, clean(p.path), clean(p.branch ?? ''), clean(p.sha ?? ''), p.lastActivityAt].join('\t'))];
  return `${rows.join('\n')}\n`;
}
