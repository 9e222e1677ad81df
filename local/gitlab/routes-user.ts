import { sendJson } from '#local/sandbox/http-util';
import { TokenRegistry, type TokenRecord } from './auth';
import { forbidden, matchPath, sendPage, type ApiRequest } from './http-support';
import { projectOr404, type ApiContext } from './routes-repo';
import type { HookConfig } from './types';

export interface UserContext extends ApiContext {
  hooks: () => HookConfig[];
}

/**
 * `GET /user`: API::Entities::UserPublic, or UserWithAdmin (adds `is_admin`) for an admin (gitlabhq lib/api/users.rb).
 * A non-admin's answer has no `is_admin` at all, which is how a client tells the two apart.
 */
function userJson(rec: TokenRecord, base: string): Record<string, unknown> {
  const w = rec.who;
  return {
    id: w.userId, username: w.username, name: w.name, state: 'active', locked: false, avatar_url: null,
    web_url: `${base}/${w.username}`, created_at: rec.createdAt, bot: w.bot, email: `${w.username}@example.com`,
    ...(w.admin ? { is_admin: true } : {}),
  };
}

/** Entities::Hook (system hooks, doc/api/system_hooks.md) or Entities::ProjectHook. */
function hookJson(h: HookConfig): Record<string, unknown> {
  const on = (e: string): boolean => h.events.includes(e);
  return {
    id: h.id, url: h.url, name: '', description: '', created_at: '2026-01-01T00:00:00.000Z', enable_ssl_verification: h.enableSslVerification ?? true,
    // Entities::Hook exposes alert_status for system hooks too; without AutoDisabling it stays `executable`
    // (UNCONFIRMED: what WebHooks::Hook answers for a hook that cannot be disabled).
    alert_status: h.kind === 'system' ? 'executable' : (h.alertStatus ?? 'executable'), disabled_until: h.kind === 'system' ? null : (h.disabledUntil ?? null), push_events: on('push'), tag_push_events: false,
    merge_requests_events: on('merge_request') || on('merge_requests'),
    ...(h.kind === 'system' ? { repository_update_events: on('repository_update') } : { project_id: h.projectId, pipeline_events: on('pipeline') }),
  };
}

/** The caller's own token and user, and the hook lists (admin-only / Maintainer). Returns false when no route matched. */
export function routeUser(r: ApiRequest, ctx: UserContext, rec: TokenRecord | undefined): boolean {
  if (r.method !== 'GET') return false;
  let m: Record<string, string> | undefined;
  if (matchPath(r.segs, 'personal_access_tokens/self') && rec) sendJson(r.res, 200, TokenRegistry.selfJson(rec));
  else if (matchPath(r.segs, 'user') && rec) sendJson(r.res, 200, userJson(rec, r.base));
  else if (matchPath(r.segs, 'hooks')) {
    // API::SystemHooks: `before { authenticated_as_admin! }`.
    if (!r.who?.admin) forbidden(r.res);
    else sendPage(r, ctx.hooks().filter((h) => h.kind === 'system').map(hookJson));
  } else if ((m = matchPath(r.segs, 'projects/:id/hooks'))) {
    // API::ProjectHooks: `authorize! :admin_project, user_project` (Maintainer).
    const p = projectOr404(r, ctx, m.id!, 'admin_project');
    if (p) sendPage(r, ctx.hooks().filter((h) => h.kind === 'project' && h.projectId === p.id).map(hookJson));
  } else return false;
  return true;
}
