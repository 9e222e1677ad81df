import { STATUS_CODES } from 'node:http';
import { sendJson } from '#local/sandbox/http-util';
import { apiError, matchPath, sendPage, type ApiRequest } from './http-support';
import { projectOr404, type ApiContext } from './routes-repo';
import type { HookConfig, WebHookLogEntry } from './types';

export interface HookEventsContext extends ApiContext {
  version: string;
  hooks: () => HookConfig[];
  hookLogs: (hookId: number) => WebHookLogEntry[];
}

/** The API came with GitLab 17.3 (gitlab-org/gitlab MR 151048; doc/api/project_webhooks.md). */
export const HOOK_EVENTS_SINCE: readonly [number, number] = [17, 3];

export function hasHookEventsApi(version: string): boolean {
  const [major = 0, minor = 0] = version.split(/[.-]/).map(Number);
  return major > HOOK_EVENTS_SINCE[0] || (major === HOOK_EVENTS_SINCE[0] && minor >= HOOK_EVENTS_SINCE[1]);
}

/** WebHookLog::MAX_RECENT_DAYS: `recent(7)` = created since the beginning of the day 7 days ago (UTC here). */
const MAX_RECENT_DAYS = 7;

const CATEGORIES: Record<string, (s: string) => boolean> = {
  successful: (s) => /^2\d\d$/.test(s),
  client_failure: (s) => /^4\d\d$/.test(s),
  // WebHooks::WebHookLogsFinder: 5xx or WebHookService::InternalErrorResponse::ERROR_MESSAGE.
  server_failure: (s) => /^5\d\d$/.test(s) || s === 'internal error',
};

/**
 * `GET /projects/:id/hooks/:hook_id/events` (gitlabhq lib/api/hooks/events.rb, app/finders/web_hooks/
 * web_hook_logs_finder.rb): the hook's logs of the last 7 days, newest first; `status` is a comma-separated list of
 * HTTP codes (Rack's known ones) or `successful`, `client_failure`, `server_failure`; `per_page` 1..20 (default 20);
 * an unknown value answers Grape's 400. Before 17.3 the route does not exist (the catch-all 404).
 */
export function routeHookEvents(r: ApiRequest, ctx: HookEventsContext): boolean {
  if (r.method !== 'GET' || !hasHookEventsApi(ctx.version)) return false;
  const m = matchPath(r.segs, 'projects/:id/hooks/:hook_id/events');
  if (!m) return false;
  const statuses = (r.query.get('status') ?? '').split(',').filter((s) => s !== '');
  if (statuses.some((s) => !(s in CATEGORIES) && !(/^\d{3}$/.test(s) && STATUS_CODES[s]))) {
    sendJson(r.res, 400, { error: 'status does not have a valid value' });
    return true;
  }
  const perPage = r.query.get('per_page');
  if (perPage !== null && !(/^\d+$/.test(perPage) && Number(perPage) >= 1 && Number(perPage) <= 20)) {
    sendJson(r.res, 400, { error: 'per_page does not have a valid value' });
    return true;
  }
  // API::ProjectHooks: `authorize! :admin_project, user_project` (Maintainer), then the hook of that project.
  const p = projectOr404(r, ctx, m.id!, 'admin_project');
  if (!p) return true;
  const hook = ctx.hooks().find((h) => h.kind === 'project' && h.projectId === p.id && String(h.id) === m.hook_id);
  if (!hook) {
    apiError(r.res, 404, '404 Not found'); // ActiveRecord::RecordNotFound as the API rescues it
    return true;
  }
  const since = new Date();
  since.setUTCHours(0, 0, 0, 0);
  since.setUTCDate(since.getUTCDate() - MAX_RECENT_DAYS);
  const match = (s: string): boolean => statuses.length === 0 || statuses.some((f) => (CATEGORIES[f] ? CATEGORIES[f]!(s) : f === s));
  const rows = ctx.hookLogs(hook.id)
    .filter((l) => Date.parse(l.created_at) >= since.getTime() && match(l.response_status))
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)
    .map(({ hookId: _hook, ...entity }) => entity);
  sendPage(r, rows);
  return true;
}
