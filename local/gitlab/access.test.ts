import { describe, expect, it } from 'vitest';
import { ACCESS_LEVEL, can, canAdminGroupVariables, permissionsJson, projectAccess, type Principal } from './access';
import { RepoStore } from './repo-store';

const store = new RepoStore([
  { path: 'a/b/app', files: { x: '1' } },
  { path: 'a/shared', files: { x: '1' }, visibility: 'internal' },
  { path: 'a/old', files: { x: '1' }, archived: true },
  { path: 'a/vars', files: { x: '1' }, pipelineVariablesMinimumRole: 'maintainer' },
  { path: 'alice/tools', files: { x: '1' }, userNamespace: true },
]);
const p = (path: string) => store.findProject(path)!;
const who = (m: Record<string, number>, o: Partial<Principal> = {}): Principal => ({ userId: 9, username: 'bob', name: 'bob', admin: false, bot: false, memberships: new Map(Object.entries(m)), ...o });

describe('access (ProjectPolicy / GroupPolicy)', () => {
  it('group membership passes down to subgroups and projects; the highest level wins', () => {
    const w = who({ a: ACCESS_LEVEL.reporter, 'a/b/app': ACCESS_LEVEL.maintainer });
    expect(projectAccess(w, p('a/b/app'))).toBe(40);
    expect(projectAccess(w, p('a/shared'))).toBe(20);
    expect(projectAccess(who({}, { username: 'alice' }), p('alice/tools'))).toBe(50);
    expect(permissionsJson(w, p('a/b/app'))).toEqual({ project_access: { access_level: 40, notification_level: 3 }, group_access: { access_level: 20, notification_level: 3 } });
  });

  it('abilities by role, visibility, archiving and the pipeline-variables setting', () => {
    const outsider = who({});
    expect([can(outsider, 'read_project', p('a/b/app')), can(outsider, 'download_code', p('a/shared')), can(outsider, 'admin_cicd_variables', p('a/shared'))]).toEqual([false, true, false]);
    const guest = who({ a: ACCESS_LEVEL.guest });
    expect([can(guest, 'read_project', p('a/b/app')), can(guest, 'download_code', p('a/b/app'))]).toEqual([true, false]);
    const dev = who({ a: ACCESS_LEVEL.developer });
    expect([can(dev, 'create_pipeline', p('a/b/app')), can(dev, 'create_pipeline', p('a/old')), can(dev, 'admin_cicd_variables', p('a/b/app'))]).toEqual([true, false, false]);
    expect([can(dev, 'set_pipeline_variables', p('a/b/app')), can(dev, 'set_pipeline_variables', p('a/vars'))]).toEqual([true, false]);
    const admin = who({}, { admin: true });
    expect([can(admin, 'admin_cicd_variables', p('a/b/app')), can(admin, 'create_pipeline', p('a/old'))]).toEqual([true, false]);
    expect([canAdminGroupVariables(who({ a: 40 }), 'a/b'), canAdminGroupVariables(who({ a: 50 }), 'a/b')]).toEqual([false, true]);
  });
});
