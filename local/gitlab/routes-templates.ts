import { sendJson } from '#local/sandbox/http-util';
import { apiError, sendPage, type ApiRequest } from './http-support';
import { projectOr404, type ApiContext } from './routes-repo';
import { GLOBAL_TEMPLATE_NAME, PROJECT_TEMPLATE_NAME } from './templates';

/**
 * CI template endpoints:
 * - `GET /templates/gitlab_ci_ymls[/:name]` (lib/api/templates.rb): no authentication; `:name` must match
 *   `/[\w\.-]+/` on the raw path, so a nested key (`Security%2FSAST`, or `Security/SAST` as two segments) matches no
 *   route and gets the catch-all `{"error":"404 Not Found"}`; an unknown name gets `404 gitlab_ci_yml Not Found`.
 * - `GET /projects/:id/templates/gitlab_ci_ymls[/:name]` (lib/api/project_templates.rb): needs read access to the
 *   project; `:name` may hold `%`, so `Security%2FSAST` reaches the finder as `Security/SAST` — the one API route
 *   that serves nested templates. Unknown → `404 Template Not Found`.
 * Returns false when no route matched.
 */
export function routeTemplates(r: ApiRequest, ctx: ApiContext): boolean {
  if (r.method !== 'GET') return false;
  const s = r.rawSegs;
  if (s[0] === 'templates' && s[1] === 'gitlab_ci_ymls') {
    if (s.length === 2) sendPage(r, ctx.templates.list());
    else if (s.length === 3 && GLOBAL_TEMPLATE_NAME.test(s[2]!)) {
      const t = ctx.templates.show(s[2]!);
      if (t) sendJson(r.res, 200, t);
      else apiError(r.res, 404, '404 gitlab_ci_yml Not Found');
    } else sendJson(r.res, 404, { error: '404 Not Found' });
    return true;
  }
  if (s[0] === 'projects' && s[2] === 'templates' && s[3] === 'gitlab_ci_ymls' && (s.length === 4 || s.length === 5)) {
    const p = s.length === 5 && !PROJECT_TEMPLATE_NAME.test(s[4]!) ? void sendJson(r.res, 404, { error: '404 Not Found' }) : projectOr404(r, ctx, r.segs[1]!);
    if (!p) return true;
    if (s.length === 4) sendPage(r, ctx.templates.list());
    else {
      const t = ctx.templates.show(r.segs[4]!);
      if (t) sendJson(r.res, 200, t);
      else apiError(r.res, 404, '404 Template Not Found');
    }
    return true;
  }
  return false;
}
