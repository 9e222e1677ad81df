/**
 * Our replacement for @gitbeaker/rest's request handler. Theirs retries 429/502 ten times within ~255 ms, ignoring
 * `Retry-After`, and keeps the request (with its PRIVATE-TOKEN header) on the thrown error. Ours sends exactly one
 * request and throws a `GitlabHttpError` that carries status and Retry-After but no headers, so retries and error
 * wording are decided in one place (create-gitlab-port.ts). See docs/adr/0010-gitlab-port-and-emulator.md.
 */

/** One failed HTTP exchange with GitLab: status (0 = no response), Retry-After in ms, GitLab's own message. */
export class GitlabHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs: number | undefined,
    /** Network-level failure kind: 'timeout', 'reset', 'refused', … ; undefined when GitLab answered. */
    readonly network?: string,
  ) {
    super(message);
    this.name = 'GitlabHttpError';
  }
}

/** Parse `Retry-After` (delta seconds or HTTP date) into ms from `now`. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value.trim());
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface HandlerOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  searchParams?: string;
  prefixUrl?: string;
  signal?: AbortSignal;
  asStream?: boolean;
}

// Same body decoding as @gitbeaker/rest (json → object, text/* → string, else Blob) so resources behave unchanged.
async function decode(res: Response): Promise<unknown> {
  if (res.status === 204) return null;
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (type === 'application/json') return (await res.json()) ?? {};
  if (type.startsWith('text/')) return await res.text();
  return await res.blob();
}

/**
 * GitLab's own words for a failure. Bodies are `{"message": ...}` (Grape), `{"error": ...}` (routing) or OAuth's
 * `{"error":"insufficient_scope","error_description":…,"scope":…}`; a validation message is an object of arrays
 * (`render_validation_error!` → `{"message":{"base":["Pipeline filtered out by workflow rules."]}}`), flattened
 * here to its sentences (`base` bare, other attributes prefixed with their name).
 */
export function gitlabMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const j = body as { message?: unknown; error?: unknown; error_description?: unknown; scope?: unknown };
  if (typeof j.error === 'string' && typeof j.error_description === 'string') {
    return `${j.error}: ${j.error_description}${typeof j.scope === 'string' && j.scope ? ` (accepted scopes: ${j.scope})` : ''}`;
  }
  const m = j.message ?? j.error;
  if (typeof m === 'string') return m;
  if (m && typeof m === 'object' && !Array.isArray(m)) {
    return Object.entries(m as Record<string, unknown>)
      .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => (k === 'base' ? String(x) : `${k} ${String(x)}`)))
      .join('; ');
  }
  return m === undefined ? undefined : JSON.stringify(m);
}

async function describe(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    return gitlabMessage(JSON.parse(text)) ?? text;
  } catch {
    // not JSON (Rack::Attack answers "Retry later" as text/plain)
    return text.trim().slice(0, 200) || res.statusText;
  }
}

function networkKind(e: unknown): string {
  const err = e as { name?: string; code?: string; cause?: { code?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
  const code = err.cause?.code ?? err.code ?? '';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'reset';
  if (code === 'ECONNREFUSED') return 'refused';
  return code || 'network';
}

/** The `requestHandler` half of gitbeaker's `createRequesterFn`: one fetch, typed failure. */
export async function gitlabRequestHandler(endpoint: string, options?: Record<string, unknown>) {
  const o = (options ?? {}) as HandlerOptions;
  const base = o.prefixUrl && !o.prefixUrl.endsWith('/') ? `${o.prefixUrl}/` : o.prefixUrl;
  const url = new URL(endpoint, base);
  url.search = o.searchParams ?? '';
  let res: Response;
  try {
    res = await fetch(url, { method: o.method, headers: o.headers, body: o.body, signal: o.signal, redirect: 'follow' });
  } catch (e) {
    const kind = networkKind(e);
    throw new GitlabHttpError(0, kind === 'timeout' ? 'request timed out' : `connection failed (${kind})`, undefined, kind);
  }
  const headers = Object.fromEntries(res.headers.entries());
  if (res.ok) {
    const body = o.asStream ? res.body : await decode(res);
    // gitbeaker's types allow a stream/Blob body; the cast keeps its FormattedResponse contract.
    return { body: body as never, headers, status: res.status };
  }
  throw new GitlabHttpError(res.status, await describe(res), parseRetryAfter(res.headers.get('retry-after')));
}
