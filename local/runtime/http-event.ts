import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FcHttpEvent } from '#shared/runtime/fc-types';

export interface HttpEventOptions {
  /** The URL path FC would see: what follows `/<functionName>` on the local server (FC gives the trigger a host). */
  rawPath: string;
  rawQuery: string;
  body: Buffer;
  requestId: string;
  accountId: string;
  now: Date;
}

/** Content types FC passes as text; anything else (or none with a body) arrives base64-encoded
 * (https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function). */
const TEXT = /^(text\/|application\/(json|[\w.+-]+\+json|x-www-form-urlencoded|xml|[\w.+-]+\+xml|javascript))/i;

/** Headers with their original case (from rawHeaders); repeats are comma-joined as FC does. */
export function caseKeptHeaders(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, string>(); // lower → first spelling
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const key = seen.get(name.toLowerCase()) ?? name;
    seen.set(name.toLowerCase(), key);
    out[key] = key in out ? `${out[key]},${raw[i + 1]!}` : raw[i + 1]!;
  }
  return out;
}

/**
 * The FC 3.0 HTTP trigger event
 * (https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function) for one
 * request: case-kept headers, comma-joined repeats, URL-encoded `rawPath` but decoded `requestContext.http.path`,
 * base64 body for non-text content.
 */
export function toFcHttpEvent(req: IncomingMessage, o: HttpEventOptions): FcHttpEvent & { requestContext: Record<string, unknown> } {
  const headers = caseKeptHeaders(req.rawHeaders);
  const queryParameters: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(o.rawQuery)) queryParameters[k] = k in queryParameters ? `${queryParameters[k]},${v}` : v;
  const ctype = req.headers['content-type'] ?? '';
  const text = o.body.length === 0 || TEXT.test(ctype);
  let path = o.rawPath;
  try {
    path = decodeURIComponent(o.rawPath);
  } catch {
    // A malformed escape: FC would still deliver; keep the raw form.
  }
  const host = req.headers.host ?? '127.0.0.1';
  return {
    version: 'v1',
    rawPath: o.rawPath,
    body: text ? o.body.toString('utf8') : o.body.toString('base64'),
    isBase64Encoded: !text,
    headers,
    queryParameters,
    requestContext: {
      accountId: o.accountId,
      domainName: host,
      domainPrefix: host.split('.')[0],
      http: {
        method: req.method ?? 'GET',
        path,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: o.requestId,
      time: o.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timeEpoch: String(o.now.getTime()),
    },
  };
}

/**
 * Write what a handler returned as the HTTP response. `{statusCode, headers, body, isBase64Encoded}` is mapped
 * as FC does; any other value is sent as a 200 JSON body (FC's behaviour there is UNCONFIRMED: the
 * HTTP trigger doc above describes only the object).
 */
export function writeFcHttpResponse(res: ServerResponse, result: unknown, requestId: string): void {
  const r = result as { statusCode?: unknown; headers?: Record<string, unknown>; body?: unknown; isBase64Encoded?: unknown } | null;
  const headers: Record<string, string> = { 'x-fc-request-id': requestId };
  let status = 200;
  let body: Buffer;
  if (r && typeof r === 'object' && typeof r.statusCode === 'number') {
    status = r.statusCode;
    for (const [k, v] of Object.entries(r.headers ?? {})) if (v !== undefined && v !== null) headers[k] = String(v);
    const b = r.body === undefined || r.body === null ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    body = r.isBase64Encoded === true ? Buffer.from(b, 'base64') : Buffer.from(b, 'utf8');
  } else {
    body = Buffer.from(typeof result === 'string' ? result : JSON.stringify(result ?? null), 'utf8');
    headers['content-type'] = typeof result === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  }
  headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(body);
}
