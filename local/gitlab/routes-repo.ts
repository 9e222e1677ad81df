import { createHash } from 'node:crypto';
import { sendJson } from '#local/sandbox/http-util';
import { projectJson } from './api-json';
import { apiError, matchPath, sendPage, type ApiRequest } from './http-support';
import type { Project, RepoStore } from './repo-store';
import type { SeedVariable } from './types';

/** What the route handlers share. */
export interface ApiContext {
  store: RepoStore;
  version: string;
  /** `templates/gitlab_ci_ymls` keys (no `.gitlab-ci.yml` suffix) → content. */
  templates: Map<string, string>;
}

const variableJson = (v: SeedVariable): Record<string, unknown> => ({
  variable_type: v.variable_type ?? 'env_var', key: v.key, value: v.hidden ? null : v.value, hidden: v.hidden ?? false,
  protected: v.protected ?? false, masked: v.masked ?? false, raw: v.raw ?? false, environment_scope: v.environment_scope ?? '*',
  description: v.description ?? null,
});

/** `projects/:id` lookup, answering GitLab's 404 itself when unknown. */
export function projectOr404(r: ApiRequest, ctx: ApiContext, id: string): Project | undefined {
  const p = ctx.store.findProject(id);
  if (!p) apiError(r.res, 404, '404 Project Not Found');
  return p;
}

function listProjects(r: ApiRequest, ctx: ApiContext): void {
  let list = [...ctx.store.projects];
  const archived = r.query.get('archived');
  if (archived !== null) list = list.filter((p) => (p.seed.archived === true) === (archived === 'true'));
  const search = r.query.get('search');
  if (search) list = list.filter((p) => p.path_with_namespace.includes(search));
  // GitLab's default order is created_at desc; we only honour id asc/desc (what clients that page stably ask for).
  const asc = r.query.get('sort') === 'asc';
  list.sort((a, b) => (asc ? a.id - b.id : b.id - a.id));
  sendPage(r, list.map((p) => projectJson(p, r.base)));
}

function readFile(r: ApiRequest, ctx: ApiContext, id: string, path: string, raw: boolean): void {
  const p = projectOr404(r, ctx, id);
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

/** Repository, project, group, variable and template endpoints. Returns false when no route matched. */
export function routeRepo(r: ApiRequest, ctx: ApiContext): boolean {
  if (r.method !== 'GET') return false;
  const s = r.segs;
  let m: Record<string, string> | undefined;
  if (matchPath(s, 'version')) sendJson(r.res, 200, { version: ctx.version, revision: 'a1b2c3d4e5f', kas: { enabled: false, externalUrl: null, version: null }, enterprise: ctx.version.endsWith('-ee') });
  else if (matchPath(s, 'projects')) listProjects(r, ctx);
  else if ((m = matchPath(s, 'projects/:id'))) {
    const p = projectOr404(r, ctx, m.id!);
    if (p) sendJson(r.res, 200, projectJson(p, r.base));
  } else if ((m = matchPath(s, 'projects/:id/repository/files/:path/raw'))) readFile(r, ctx, m.id!, m.path!, true);
  else if ((m = matchPath(s, 'projects/:id/repository/files/:path'))) readFile(r, ctx, m.id!, m.path!, false);
  else if ((m = matchPath(s, 'projects/:id/variables'))) {
    const p = projectOr404(r, ctx, m.id!);
    if (p) sendPage(r, (p.seed.variables ?? []).map(variableJson));
  } else if ((m = matchPath(s, 'groups/:id')) || (m = matchPath(s, 'groups/:id/variables'))) {
    const g = ctx.store.findGroup(m.id!);
    if (!g) apiError(r.res, 404, '404 Group Not Found');
    else if (s.length === 3) sendPage(r, g.variables.map(variableJson));
    else sendJson(r.res, 200, { id: g.id, name: g.path, path: g.path, full_path: g.full_path, parent_id: g.parent_id, web_url: `${r.base}/groups/${g.full_path}` });
  } else if (matchPath(s, 'templates/gitlab_ci_ymls')) {
    sendPage(r, [...ctx.templates.keys()].sort().map((key) => ({ key, name: key })));
  } else if (s[0] === 'templates' && s[1] === 'gitlab_ci_ymls' && s.length > 2) {
    // Accept the key with its `/` encoded (one segment) or not (several).
    const key = s.slice(2).join('/');
    const content = ctx.templates.get(key);
    if (content === undefined) apiError(r.res, 404, '404 Template Not Found');
    else sendJson(r.res, 200, { name: key, content });
  } else return false;
  return true;
}
