import { sendJson } from '#local/sandbox/http-util';
import { statusJson, type CommitStatuses, type StatusInput } from './commit-statuses';
import { apiError, matchPath, sendPage, type ApiRequest } from './http-support';
import type { Commit, Project } from './repo-store';
import { projectOr404, type ApiContext } from './routes-repo';

export interface StatusContext extends ApiContext {
  statuses: CommitStatuses;
}

const STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'];
// Grape's own parameter errors: `{"error":"state is missing"}`, `{"error":"state does not have a valid value"}`.
const paramError = (r: ApiRequest, message: string): void => sendJson(r.res, 400, { error: message });

/** Grape coercion of the POST parameters (lib/api/commit_statuses.rb `params do … end`); undefined = answered 400. */
function readInput(r: ApiRequest, b: Record<string, unknown>): StatusInput | undefined {
  const str = (k: string): string | undefined => (b[k] === undefined || b[k] === null ? undefined : String(b[k]));
  const state = str('state');
  if (state === undefined) return void paramError(r, 'state is missing');
  if (!STATES.includes(state)) return void paramError(r, 'state does not have a valid value');
  const coverage = str('coverage');
  if (coverage !== undefined && !Number.isFinite(Number(coverage))) return void paramError(r, 'coverage is invalid');
  const pipelineId = str('pipeline_id');
  if (pipelineId !== undefined && !/^\d+$/.test(pipelineId)) return void paramError(r, 'pipeline_id is invalid');
  const opt = { ref: str('ref'), targetUrl: str('target_url'), description: str('description') };
  return {
    state,
    name: str('name') ?? str('context') ?? 'default',
    ...Object.fromEntries(Object.entries(opt).filter(([, v]) => v !== undefined)),
    ...(coverage !== undefined ? { coverage: Number(coverage) } : {}),
    ...(pipelineId !== undefined ? { pipelineId: Number(pipelineId) } : {}),
  };
}

/** `user_project.commit(params[:sha])`: a full or abbreviated id of a commit of the project, or a ref. */
const commitOf = (ctx: ApiContext, p: Project, sha: string): Commit | undefined => ctx.store.resolveRef(p, sha);

/** GET statuses: `authorize!(:read_commit_status)`, latest only unless `all`, filters, `order_by` id|pipeline_id, `sort`. */
function listStatuses(r: ApiRequest, ctx: StatusContext, p: Project, sha: string): void {
  const c = commitOf(ctx, p, sha);
  if (!c) return apiError(r.res, 404, '404 Commit Not Found');
  const q = r.query;
  const orderBy = q.get('order_by') ?? 'id';
  if (!['id', 'pipeline_id'].includes(orderBy)) return paramError(r, 'order_by does not have a valid value');
  const sort = q.get('sort') ?? 'asc';
  if (!['asc', 'desc'].includes(sort)) return paramError(r, 'sort does not have a valid value');
  let list = ctx.statuses.list(p.id, c.id);
  if (q.get('all') !== 'true') list = list.filter((s) => !s.retried);
  const eq = (k: 'ref' | 'name', v: string | null) => (v ? list.filter((s) => s[k] === v) : list);
  list = eq('name', q.get('name'));
  list = eq('ref', q.get('ref'));
  if (q.get('stage') && q.get('stage') !== 'external') list = [];
  if (q.get('pipeline_id')) list = list.filter((s) => s.pipelineId === Number(q.get('pipeline_id')));
  const key = (s: (typeof list)[number]) => (orderBy === 'id' ? s.id : s.pipelineId * 1e6 + s.id);
  list = [...list].sort((a, b) => (sort === 'asc' ? key(a) - key(b) : key(b) - key(a)));
  sendPage(r, list.map((s) => statusJson(s, r.base)));
}

/** `GET /projects/:id/repository/branches/:branch` (lib/api/branches.rb; Entities::Branch subset), read_code needed. */
function branch(r: ApiRequest, ctx: ApiContext, p: Project, name: string): void {
  const head = p.branches.get(name);
  const c = head ? p.commits.get(head) : undefined;
  if (!c) return apiError(r.res, 404, '404 Branch Not Found');
  sendJson(r.res, 200, {
    name, merged: false, protected: name === p.defaultBranch, default: name === p.defaultBranch, developers_can_push: false, developers_can_merge: false,
    can_push: true, web_url: `${r.base}/${p.path_with_namespace}/-/tree/${name}`,
    commit: { id: c.id, short_id: c.id.slice(0, 8), title: c.message.split('\n')[0], message: c.message, created_at: c.timestamp, parent_ids: c.parent ? [c.parent] : [] },
  });
}

/**
 * Commit statuses (lib/api/commit_statuses.rb): POST `authorize! :create_commit_status` (Developer) → 201 with the
 * status; GET `authorize!(:read_commit_status)` (Reporter, or anyone on an open project). Branches: one branch with
 * its head commit. Returns false when no route matched.
 */
export async function routeStatuses(r: ApiRequest, ctx: StatusContext): Promise<boolean> {
  let m: Record<string, string> | undefined;
  if ((m = matchPath(r.segs, 'projects/:id/statuses/:sha')) && r.method === 'POST') {
    // Grape validates the parameters before the endpoint body runs `authorize!`.
    const input = readInput(r, await r.body());
    const p = input && projectOr404(r, ctx, m.id!, 'create_commit_status');
    if (!p || !input || !r.who) return true;
    const c = commitOf(ctx, p, m.sha!);
    const out = await ctx.statuses.post(p, c?.id ?? m.sha!, r.who, input);
    if (out.ok) sendJson(r.res, 201, statusJson(out.status, r.base));
    else apiError(r.res, out.http, out.message);
  } else if ((m = matchPath(r.segs, 'projects/:id/repository/commits/:sha/statuses')) && r.method === 'GET') {
    const p = projectOr404(r, ctx, m.id!, 'read_commit_status');
    if (p) listStatuses(r, ctx, p, m.sha!);
  } else if ((m = matchPath(r.segs, 'projects/:id/repository/branches/:branch')) && r.method === 'GET') {
    const p = projectOr404(r, ctx, m.id!, 'download_code');
    if (p) branch(r, ctx, p, m.branch!);
  } else return false;
  return true;
}
