import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '#local/sandbox/http-util';
import type { Principal } from './access';

/** One parsed v4 request: decoded path segments after `/api/v4`, query, lazy body. */
export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path segments after /api/v4, each URL-decoded (so `group%2Fproject` is one segment `group/project`). */
  segs: string[];
  /** The same segments as sent (still percent-encoded): what Grape's route requirements are matched against. */
  rawSegs: string[];
  /** Who the token acts as; undefined for an anonymous request to a public route. */
  who?: Principal;
  query: URLSearchParams;
  /** Base URL the client used (for web_url and link headers). */
  base: string;
  body(): Promise<Record<string, unknown>>;
}

export function toApiRequest(req: IncomingMessage, res: ServerResponse, base: string): ApiRequest | undefined {
  const url = new URL(req.url ?? '/', base);
  // Split the *raw* path: %2F inside a segment is data (project path, file path), not a separator.
  const raw = url.pathname.split('/').filter((s) => s !== '');
  if (raw[0] !== 'api' || raw[1] !== 'v4') return undefined;
  let cached: Record<string, unknown> | undefined;
  return {
    req, res, method: (req.method ?? 'GET').toUpperCase(), segs: raw.slice(2).map(decodeURIComponent), rawSegs: raw.slice(2), query: url.searchParams, base,
    async body() {
      if (cached) return cached;
      const text = (await readBody(req)).toString('utf8');
      const type = req.headers['content-type'] ?? '';
      if (type.includes('application/json')) cached = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      else cached = Object.fromEntries(new URLSearchParams(text));
      return cached;
    },
  };
}

/** Match `segs` against a pattern like `projects/:id/repository/files/:path/raw`; returns params or undefined. */
export function matchPath(segs: string[], pattern: string): Record<string, string> | undefined {
  const parts = pattern.split('/');
  if (parts.length !== segs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = segs[i]!;
    else if (p !== segs[i]) return undefined;
  }
  return params;
}

/** GitLab's JSON error body: `{"message": "..."}` (Grape). */
export function apiError(res: ServerResponse, status: number, message: unknown): void {
  sendJson(res, status, { message });
}

/** `authorize!` failing: `forbidden!` → `{"message":"403 Forbidden"}` (gitlabhq lib/api/helpers.rb). */
export function forbidden(res: ServerResponse): void {
  apiError(res, 403, '403 Forbidden');
}

/**
 * Offset pagination as GitLab does it: `page`/`per_page` (default 20, max 100) and the headers x-page, x-per-page,
 * x-total, x-total-pages, x-next-page, x-prev-page and `link` (first/prev/next/last, absolute URLs keeping the query).
 */
export function sendPage(r: ApiRequest, items: unknown[]): void {
  const perPage = Math.min(100, Math.max(1, Number(r.query.get('per_page')) || 20));
  const page = Math.max(1, Number(r.query.get('page')) || 1);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const linkTo = (n: number): string => {
    const u = new URL(r.req.url ?? '/', r.base);
    u.searchParams.set('page', String(n));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const links = [
    ...(page > 1 ? [`<${linkTo(page - 1)}>; rel="prev"`] : []),
    ...(page < totalPages ? [`<${linkTo(page + 1)}>; rel="next"`] : []),
    `<${linkTo(1)}>; rel="first"`,
    `<${linkTo(totalPages)}>; rel="last"`,
  ];
  sendJson(r.res, 200, slice, {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-total': String(items.length),
    'x-total-pages': String(totalPages),
    'x-next-page': page < totalPages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(page - 1) : '',
    link: links.join(', '),
  });
}

/** Fixed-window request budget, answering like GitLab's Rack::Attack throttle. */
export class RateLimiter {
  private windowStart = 0;
  private used = 0;

  constructor(private readonly limit: number, private readonly windowMs: number) {}

  /** True when the request may pass; otherwise the 429 has been sent. */
  admit(res: ServerResponse, now = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    if (++this.used <= this.limit) return true;
    const resetAt = this.windowStart + this.windowMs;
    res.writeHead(429, {
      'content-type': 'text/plain',
      'retry-after': String(Math.max(1, Math.ceil((resetAt - now) / 1000))),
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': String(this.limit),
      'ratelimit-observed': String(this.used),
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(Math.ceil(resetAt / 1000)),
      'ratelimit-resettime': new Date(resetAt).toUTCString(),
    });
    res.end('Retry later\n');
    return false;
  }
}
