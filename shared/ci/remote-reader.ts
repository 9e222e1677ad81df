import type { IncomingMessage } from 'node:http';
import { AppError } from '#shared/errors/index';
import { remoteIncludeAllowed } from './remote-allowlist';

/** Limits and trust for `include:remote` fetches. */
export interface RemoteReaderOptions {
  /** `GITLAB_REMOTE_INCLUDE_ALLOWLIST`: checked again here (and on every redirect hop). */
  allowlist: string[];
  /** Whole fetch (connect, headers, body). Default 10 s, below GitLab's own 30 s config-fetch deadline. */
  timeoutMs?: number;
  /** Largest body accepted. Default 1 MiB, GitLab's `max_yaml_size_bytes`. */
  maxBytes?: number;
  /** Redirects followed, each only to an allowlisted URL. Default 3. */
  maxRedirects?: number;
  /** Extra trust roots (PEM) besides the system's: a private CA, or the sandbox's stand-in. */
  ca?: string;
  /** Tests only: connect here instead of resolving the URL's host (the https stand-in on a random port). */
  connect?: (url: URL) => { host: string; port: number };
}

// What a report may show of a URL: no query or fragment (a token could sit there).
const shown = (u: URL): string => `${u.origin}${u.pathname}`;
const fail = (u: URL, why: string, retryable = false): AppError =>
  new AppError('CI_CONFIG', `Remote file \`${shown(u)}\` could not be fetched because ${why}!`, { status: 502, retryable, details: { url: shown(u) } });

/**
 * `readRemote` for a `CiFileSource`: https GET of an allowlisted URL, bounded in time and size; 404 → undefined
 * (file not found), other statuses and network failures throw with GitLab's wording
 * (lib/gitlab/ci/config/external/file/remote.rb). No credentials are ever sent.
 * @example const readRemote = createRemoteReader({ allowlist: env.GITLAB_REMOTE_INCLUDE_ALLOWLIST });
 */
export function createRemoteReader(o: RemoteReaderOptions): (url: string) => Promise<string | undefined> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const maxBytes = o.maxBytes ?? 1024 * 1024;
  const maxRedirects = o.maxRedirects ?? 3;
  return async function readRemote(raw) {
    let url = new URL(raw);
    for (let hop = 0; ; hop++) {
      const decision = remoteIncludeAllowed(url.href, o.allowlist);
      if (!decision.ok) throw fail(url, hop ? `it redirects off the allowlist (${decision.reason})` : decision.reason);
      const r = await get(decision.url, o, timeoutMs, maxBytes);
      if (r.status >= 300 && r.status < 400 && r.location) {
        if (hop >= maxRedirects) throw fail(url, `of more than ${maxRedirects} redirects`);
        url = new URL(r.location, url);
        continue;
      }
      if (r.status === 404) return undefined;
      if (r.status >= 400 || r.status < 200) throw fail(url, `of HTTP code \`${r.status}\` error`, r.status === 429 || r.status >= 500);
      return r.body;
    }
  };
}

interface Answer {
  status: number;
  location?: string;
  body: string;
}

async function get(url: URL, o: RemoteReaderOptions, timeoutMs: number, maxBytes: number): Promise<Answer> {
  // node:https on first use, not at the worker's cold start (most runs fetch no remote include).
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const target = o.connect?.(url);
    const req = request({
      protocol: 'https:', method: 'GET', path: `${url.pathname}${url.search}`,
      host: target?.host ?? url.hostname, port: target?.port ?? (url.port || 443), servername: url.hostname,
      headers: { host: url.host, 'user-agent': 'gitlab-ask-ops', accept: '*/*' },
      ...(o.ca ? { ca: o.ca } : {}),
    });
    let settled = false;
    // Settle once, then tear the connection down (a late chunk or socket error must not resolve twice).
    const finish = (err: Error | undefined, answer?: Answer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(answer!);
    };
    const timer = setTimeout(() => finish(fail(url, 'of a timeout error', true)), timeoutMs);
    req.on('error', (e) => finish(fail(url, `of a socket error (${(e as NodeJS.ErrnoException).code ?? e.message})`, true)));
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
      res.on('error', (e) => finish(fail(url, `of a socket error (${e.message})`, true)));
      if (status !== 200) {
        res.resume();
        return finish(undefined, { status, ...(location ? { location } : {}), body: '' });
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) return finish(fail(url, `it is larger than ${maxBytes} bytes`));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) finish(fail(url, `it is larger than ${maxBytes} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => finish(undefined, { status, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.end();
  });
}
