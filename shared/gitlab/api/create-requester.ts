import { gitlabRequestHandler } from './request-handler';

/**
 * gitbeaker's `requesterFn` without @gitbeaker/requester-utils: the same request options (auth header, JSON body and
 * query with snake_case keys, bracket arrays), handed to our one-shot handler. requester-utils would pull qs,
 * rate-limiter-flexible and picomatch (~130 KB minified) into the worker's entry bundle only to be bypassed.
 */

/** `perPage` → `per_page`, recursively (what xcase's decamelizeKeys does for gitbeaker). */
export function decamelizeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decamelizeKeys);
  if (v === null || typeof v !== 'object' || v instanceof FormData || v instanceof Blob) return v;
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).map(([k, x]) => [k.replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase(), decamelizeKeys(x)]),
  );
}

/** Query string as qs `arrayFormat: 'brackets'` writes it: `a[]=1&a[]=2`, `o[k]=v`; null/undefined left out. */
export function formatQuery(params: Record<string, unknown> = {}): string {
  const out = new URLSearchParams();
  const add = (key: string, v: unknown): void => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) for (const x of v) add(`${key}[]`, x);
    else if (typeof v === 'object') for (const [k, x] of Object.entries(v as Record<string, unknown>)) add(`${key}[${k}]`, x);
    else out.append(key, String(v));
  };
  for (const [k, v] of Object.entries(decamelizeKeys(params) as Record<string, unknown>)) add(k, v);
  return out.toString();
}

interface ServiceOptions {
  url: string;
  headers: Record<string, string>;
  authHeaders: Record<string, () => Promise<string>>;
}

interface CallOptions {
  body?: Record<string, unknown> | FormData;
  searchParams?: Record<string, unknown>;
  sudo?: string | number;
  signal?: AbortSignal;
  asStream?: boolean;
}

type Requester = Record<'get' | 'post' | 'put' | 'patch' | 'delete', (endpoint: string, o?: CallOptions) => ReturnType<typeof gitlabRequestHandler>>;

/** The `requesterFn` option of every gitbeaker resource constructor. */
export function createRequester(service: ServiceOptions): Requester {
  const call = (method: string) => async (endpoint: string, o: CallOptions = {}) => {
    const headers: Record<string, string> = { ...service.headers };
    if (o.sudo) headers.sudo = String(o.sudo);
    let body: string | FormData | undefined;
    if (o.body instanceof FormData) body = o.body;
    else if (o.body) {
      body = JSON.stringify(decamelizeKeys(o.body));
      headers['content-type'] = 'application/json';
    }
    for (const [name, value] of Object.entries(service.authHeaders)) headers[name] = await value();
    const q = formatQuery(o.searchParams);
    return gitlabRequestHandler(endpoint, { method, headers, body, signal: o.signal, asStream: o.asStream, prefixUrl: service.url, ...(q ? { searchParams: q } : {}) });
  };
  return { get: call('GET'), post: call('POST'), put: call('PUT'), patch: call('PATCH'), delete: call('DELETE') };
}
