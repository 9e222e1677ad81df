import { sendJson } from '#local/sandbox/http-util';
import { hookUserJson } from './api-json';
import { apiError, matchPath, sendPage, type ApiRequest } from './http-support';
import type { Commit, Project } from './repo-store';
import { projectOr404, type ApiContext } from './routes-repo';

/** `Entities::Commit` subset as releases and tags embed it. */
const commitJson = (c: Commit): Record<string, unknown> => ({
  id: c.id, short_id: c.id.slice(0, 8), title: c.message.split('\n')[0], message: c.message, created_at: c.timestamp,
  parent_ids: c.parent ? [c.parent] : [], authored_date: c.timestamp, committed_date: c.timestamp,
});

/** `GET /projects/:id/releases` entry (`Entities::Release` subset): newest first. */
function releaseJson(p: Project, tag: string, base: string): Record<string, unknown> | undefined {
  const id = p.tags.get(tag);
  const c = id ? p.commits.get(id) : undefined;
  if (!c) return undefined;
  return {
    name: tag, tag_name: tag, description: '', created_at: c.timestamp, released_at: c.timestamp, upcoming_release: false,
    author: hookUserJson(base), commit: commitJson(c), commit_path: `/${p.path_with_namespace}/-/commit/${c.id}`,
    tag_path: `/${p.path_with_namespace}/-/tags/${tag}`, assets: { count: 0, sources: [], links: [] },
    _links: { self: `${base}/${p.path_with_namespace}/-/releases/${tag}` },
  };
}

/**
 * `GET /projects/:id/repository/tree?recursive=true`: trees and blobs, in git ls-tree order (trees are listed
 * before their contents). Unknown ref → 404 "Tree Not Found" (lib/api/repositories.rb).
 */
function tree(r: ApiRequest, ctx: ApiContext, p: Project): void {
  const ref = r.query.get('ref') ?? p.defaultBranch ?? '';
  const c = ctx.store.resolveRef(p, ref);
  if (!c) return apiError(r.res, 404, '404 Tree Not Found');
  const under = (r.query.get('path') ?? '').replace(/^\/+|\/+$/g, '');
  const recursive = r.query.get('recursive') === 'true';
  const entries = new Map<string, 'tree' | 'blob'>();
  for (const path of c.files.keys()) {
    if (under && !path.startsWith(`${under}/`)) continue;
    const rel = under ? path.slice(under.length + 1) : path;
    const parts = rel.split('/');
    if (!recursive && parts.length > 1) entries.set(`${under ? `${under}/` : ''}${parts[0]}`, 'tree');
    else {
      for (let i = 1; i < parts.length; i++) entries.set(`${under ? `${under}/` : ''}${parts.slice(0, i).join('/')}`, 'tree');
      entries.set(path, 'blob');
    }
  }
  const list = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, type]) => ({
    id: type === 'blob' ? c.id : '0'.repeat(40), name: path.split('/').at(-1), type, path, mode: type === 'tree' ? '040000' : '100644',
  }));
  sendPage(r, list);
}

/**
 * Releases and the repository tree, with GitLab's access checks: the tree needs `authorize_read_code!`
 * (lib/api/repositories.rb; :read_code follows :download_code — Reporter, or any signed-in user on an internal or
 * public project); the release list `authorize! :read_release` (lib/api/releases.rb; ProjectPolicy gives it to
 * Guests), one release additionally `authorize_read_code!`. Returns false when no route matched.
 */
export function routeRefs(r: ApiRequest, ctx: ApiContext): boolean {
  if (r.method !== 'GET') return false;
  let m: Record<string, string> | undefined;
  if ((m = matchPath(r.segs, 'projects/:id/releases'))) {
    const p = projectOr404(r, ctx, m.id!, 'read_release');
    if (p) sendPage(r, [...p.releases].reverse().map((t) => releaseJson(p, t, r.base)).filter(Boolean));
  } else if ((m = matchPath(r.segs, 'projects/:id/releases/:tag'))) {
    const p = projectOr404(r, ctx, m.id!, 'read_release') && projectOr404(r, ctx, m.id!, 'download_code');
    const rel = p && p.releases.includes(m.tag!) ? releaseJson(p, m.tag!, r.base) : undefined;
    if (p && !rel) apiError(r.res, 404, '404 Not Found');
    else if (rel) sendJson(r.res, 200, rel);
  } else if ((m = matchPath(r.segs, 'projects/:id/repository/commits/:sha'))) {
    // lib/api/commits.rb: `authorize_read_code!`; an unknown sha or ref is 404 "Commit Not Found".
    const p = projectOr404(r, ctx, m.id!, 'download_code');
    const c = p ? (p.commits.get(m.sha!) ?? ctx.store.resolveRef(p, m.sha!)) : undefined;
    if (p && !c) apiError(r.res, 404, '404 Commit Not Found');
    else if (c) sendJson(r.res, 200, { ...commitJson(c), web_url: `${r.base}/${p!.path_with_namespace}/-/commit/${c.id}` });
  } else if ((m = matchPath(r.segs, 'projects/:id/repository/tree'))) {
    const p = projectOr404(r, ctx, m.id!, 'download_code');
    if (p) tree(r, ctx, p);
  } else return false;
  return true;
}
