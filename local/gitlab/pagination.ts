import { sendJson } from '#local/sandbox/http-util';
import { sendPage, type ApiRequest } from './http-support';

export interface ProjectsPaging {
  /** Plan limit `offset_pagination_limit` (GitLab default 50,000; 0 = off). */
  offsetLimit: number;
  /** Gitlab.config.gitlab host/port: what keyset `Link` URLs are built on (may differ from the URL the client used). */
  externalUrl?: string;
}

/**
 * `GET /projects` paging, after gitlabhq lib/api/helpers/pagination_strategies.rb:
 * - `pagination=keyset` needs `order_by=id` (the API's default order is `created_at`; any other order answers 405
 *   "Keyset pagination is not yet available for this type of request"). A page holds `per_page` (≤ 100) projects
 *   after `id_after`/`id_before`; while the page is not empty a `Link: <…>; rel="next"` carries every query
 *   parameter plus `id_after` (asc) or `id_before` (desc) = the last id, sorted like Rails' `to_query`, on the
 *   instance's configured host (lib/gitlab/pagination/keyset/{pager,request_context,header_builder}.rb). No x-*
 *   headers. The last page is followed by one empty page without a Link.
 * - offset pagination past the plan's `offset_pagination_limit` (`page * per_page > limit`) answers 405 with
 *   GitLab's message. Whether a given GitLab version enforces this for authenticated `/projects` requests varies
 *   (13.x: yes; later revisions only for Group/User, and MR !214356 re-adds Projects for anonymous requests):
 *   the emulator always does, so the product must page with keyset.
 */
export function sendProjectsPage(r: ApiRequest, sorted: Array<{ id: number }>, json: (x: { id: number }) => unknown, o: ProjectsPaging): void {
  const q = r.query;
  if (q.get('pagination') === 'keyset') {
    if ((q.get('order_by') ?? 'created_at') !== 'id') return sendJson(r.res, 405, { error: 'Keyset pagination is not yet available for this type of request' });
    const asked = Number(q.get('per_page') ?? 20);
    const perPage = !Number.isFinite(asked) || asked <= 0 ? 20 : Math.min(100, Math.floor(asked));
    const page = sorted.slice(0, perPage);
    const headers: Record<string, string> = {};
    const last = page.at(-1);
    if (last) {
      const params = new Map([...q.entries()].filter(([k]) => k !== 'id_after' && k !== 'id_before'));
      params.set(q.get('sort') === 'asc' ? 'id_after' : 'id_before', String(last.id));
      const query = [...params.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
      headers.link = `<${(o.externalUrl ?? r.base).replace(/\/+$/, '')}/api/v4/projects?${query}>; rel="next"`;
    }
    return sendJson(r.res, 200, page.map(json), headers);
  }
  const pageNo = Number(q.get('page') ?? 1);
  const perPage = Number(q.get('per_page') ?? 20);
  if (o.offsetLimit > 0 && pageNo * perPage > o.offsetLimit) {
    return sendJson(r.res, 405, {
      error: `Offset pagination has a maximum allowed offset of ${o.offsetLimit} for requests that return objects of type Project. Remaining records can be retrieved using keyset pagination.`,
    });
  }
  sendPage(r, sorted.map(json));
}

/** `id_after` / `id_before` filters of `GET /projects` (also honoured without keyset pagination). */
export function idBounds<T extends { id: number }>(list: T[], q: URLSearchParams): T[] {
  const after = q.get('id_after');
  const before = q.get('id_before');
  return list.filter((p) => (after === null || p.id > Number(after)) && (before === null || p.id < Number(before)));
}
