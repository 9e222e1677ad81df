import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '#local/sandbox/http-util';
import { routeScopesOf, type TokenRegistry } from './auth';
import { toApiRequest } from './http-support';
import { routeCi, type CiContext } from './routes-ci';
import { routeHookEvents, type HookEventsContext } from './routes-hook-events';
import { routeInstance } from './routes-instance';
import { routeRefs } from './routes-refs';
import { routeRepo } from './routes-repo';
import { routeStatuses, type StatusContext } from './routes-statuses';
import { routeTemplates } from './routes-templates';
import { routeUser, type UserContext } from './routes-user';

export type DispatchContext = CiContext & UserContext & StatusContext & HookEventsContext & { tokens: TokenRegistry };

/**
 * One v4 request: authenticate (token → user or bot, scope rules of the route's endpoint class), then the routes.
 * Unknown routes answer Grape's catch-all `{"error":"404 Not Found"}`.
 */
export async function dispatch(req: IncomingMessage, res: ServerResponse, base: string, ctx: DispatchContext): Promise<void> {
  const r = toApiRequest(req, res, base);
  if (!r) return sendJson(res, 404, { error: '404 Not Found' });
  const auth = ctx.tokens.authenticate(req.headers, r.query, routeScopesOf(r.segs), r.method);
  if (!auth.ok) return sendJson(res, auth.status, auth.body, auth.headers);
  if (auth.rec) r.who = auth.rec.who;
  if (routeTemplates(r, ctx) || routeInstance(r, ctx) || routeUser(r, ctx, auth.rec) || routeHookEvents(r, ctx) || routeRepo(r, ctx) || routeRefs(r, ctx) || (await routeCi(r, ctx)) || (await routeStatuses(r, ctx))) return;
  sendJson(res, 404, { error: '404 Not Found' });
}
