import { createHash } from 'node:crypto';
import { sendJson } from '#local/sandbox/http-util';
import { can, canAdminGroupVariables, groupAccess, type Principal, type ProjectAbility } from './access';
import { projectJson } from './api-json';
import { apiError, forbidden, matchPath, sendPage, type ApiRequest } from './http-support';
import { idBounds, sendProjectsPage, type ProjectsPaging } from './pagination';
import type { Group, Project, RepoStore } from './repo-store';
import type { CiTemplates } from './templates';
import type { SeedVariable } from './types';

/** What the route handlers share. */
export interface ApiContext {
  store: RepoStore;
  version: string;
  templates: CiTemplates;
  paging: ProjectsPaging;
}

const variableJson = (v: SeedVariable): Record<string, unknown> => ({
  variable_type: v.variable_type ?? 'env_var', key: v.key, value: v.hidden ? null : v.value, hidden: v.hidden ?? false,
  protected: v.protected ?? false, masked: v.masked ?? false, raw: v.raw ?? false, environment_scope: v.environment_scope ?? '*',
  description: v.description ?? null,
});

/**
 * `user_project` / `find_project!`: a project the caller may not read is indistinguishable from a missing one
 * (`404 Project Not Found`); with `ability`, `authorize!` then answers `403 Forbidden` (gitlabhq lib/api/helpers.rb).
 */
export function projectOr404(r: ApiRequest, ctx: ApiContext, id: string, ability?: ProjectAbility): Project | undefined {
  const p = ctx.store.findProject(id);
  if (!p || !r.who || !can(r.who, 'read_project', p)) return void apiError(r.res, 404, '404 Project Not Found');
  if (ability && !can(r.who, ability, p)) return void forbidden(r.res);
  return p;
}

/** A group is visible to admins, its members and members of its projects, or to all when a project in it is not private. */
function groupVisible(who: Principal, store: RepoStore, g: Group): boolean {
  if (who.admin || groupAccess(who, g.full_path) > 0) return true;
  return store.projects.some((p) => (p.namespace.full_path === g.full_path || p.namespace.full_path.startsWith(`${g.full_path}/`)) && can(who, 'read_project', p));
}

/** `GET /projects`: what the caller can see (admins: all; others: public, internal and their own), filtered and paged. */
function listProjects(r: ApiRequest, ctx: ApiContext): void {
  let list = ctx.store.projects.filter((p) => r.who && can(r.who, 'read_project', p));
  const archived = r.query.get('archived');
  if (archived !== null) list = list.filter((p) => (p.seed.archived === true) === (archived === 'true'));
  const search = r.query.get('search');
  if (search) list = list.filter((p) => p.path_with_namespace.includes(search));
  list = idBounds(list, r.query);
  // GitLab's default order is created_at desc; we only honour id asc/desc (what clients that page stably ask for).
  const asc = r.query.get('sort') === 'asc';
  list.sort((a, b) => (asc ? a.id - b.id : b.id - a.id));
  sendProjectsPage(r, list, (p) => projectJson(p as Project, r.base, r.who), ctx.paging);
}

function readFile(r: ApiRequest, ctx: ApiContext, id: string, path: string, raw: boolean): void {
  const p = projectOr404(r, ctx, id, 'download_code'); // API::Files `assign_file_vars!` → authorize! :download_code
  if (!p) return;
  const ref = r.query.get('ref');
  if (!ref) return sendJson(r.res, 400, { error: 'ref is missing' });
  const commit = ctx.store.resolveRef(p, ref);
  if (!commit) return apiError(r.res, 404, '404 Commit Not Found');
  const content = commit.files.get(path);
  if (content === undefined) return apiError(r.res, 404, '404 File Not Found');
  if (raw) {
    r.res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-gitlab-file-path': path, 'x-gitlab-ref': ref, 'x-gitlab-commit-id': commit.id });
    r.res.end(content);
    return;
  }
  const bytes = Buffer.from(content, 'utf8');
  sendJson(r.res, 200, {
    file_name: path.split('/').at(-1), file_path: path, size: bytes.length, encoding: 'base64',
    content_sha256: createHash('sha256').update(bytes).digest('hex'), ref,
    blob_id: createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
    commit_id: commit.id, last_commit_id: commit.id, execute_filemode: false, content: bytes.toString('base64'),
  });
}

/** `GET /groups/:id[/variables]`; variables need the Owner role (GroupPolicy :admin_cicd_variables). */
function group(r: ApiRequest, ctx: ApiContext, id: string, variables: boolean): void {
  const g = ctx.store.findGroup(id);
  if (!g || !r.who || !groupVisible(r.who, ctx.store, g)) return apiError(r.res, 404, '404 Group Not Found');
  if (!variables) return sendJson(r.res, 200, { id: g.id, name: g.path, path: g.path, full_path: g.full_path, parent_id: g.parent_id, web_url: `${r.base}/groups/${g.full_path}` });
  if (!canAdminGroupVariables(r.who, g.full_path)) return forbidden(r.res);
  sendPage(r, g.variables.map(variableJson));
}

/** Repository, project, group and variable endpoints. Returns false when no route matched. */
export function routeRepo(r: ApiRequest, ctx: ApiContext): boolean {
  if (r.method !== 'GET') return false;
  const s = r.segs;
  let m: Record<string, string> | undefined;
  if (matchPath(s, 'version')) sendJson(r.res, 200, { version: ctx.version, revision: 'a1b2c3d4e5f', kas: { enabled: false, externalUrl: null, version: null }, enterprise: ctx.version.endsWith('-ee') });
  else if (matchPath(s, 'projects')) listProjects(r, ctx);
  else if ((m = matchPath(s, 'projects/:id'))) {
    const p = projectOr404(r, ctx, m.id!);
    if (p) sendJson(r.res, 200, projectJson(p, r.base, r.who));
  } else if ((m = matchPath(s, 'projects/:id/repository/files/:path/raw'))) readFile(r, ctx, m.id!, m.path!, true);
  else if ((m = matchPath(s, 'projects/:id/repository/files/:path'))) readFile(r, ctx, m.id!, m.path!, false);
  else if ((m = matchPath(s, 'projects/:id/variables'))) {
    // API::Ci::Variables: `authorize! :admin_cicd_variables, user_project` — Maintainer, for reading too.
    const p = projectOr404(r, ctx, m.id!, 'admin_cicd_variables');
    if (p) sendPage(r, (p.seed.variables ?? []).map(variableJson));
  } else if ((m = matchPath(s, 'groups/:id'))) group(r, ctx, m.id!, false);
  else if ((m = matchPath(s, 'groups/:id/variables'))) group(r, ctx, m.id!, true);
  else return false;
  return true;
}
