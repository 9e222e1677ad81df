import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { LintError } from './yaml-load';

/** How the emulated GitLab reaches remote hosts: trust and where to connect (tests: the https stand-in). */
export interface RemoteAccess {
  ca?: string;
  connect?(url: URL): { host: string; port: number };
  /** Default 10 s. */
  timeoutMs?: number;
}

/**
 * File::Remote#fetch_remote_content: `Gitlab::HTTP.get` (redirects followed), errors worded as
 * lib/gitlab/ci/config/external/file/remote.rb does. No access configured = no route to any host.
 */
export async function fetchRemoteInclude(location: string, access: RemoteAccess | undefined, hops = 0): Promise<string> {
  const fail = (why: string): LintError => new LintError(`Remote file \`${location}\` could not be fetched because of ${why}!`);
  if (!access) throw fail('a socket error');
  const url = new URL(location);
  const res = await new Promise<{ status: number; location?: string; body: string }>((resolve, reject) => {
    const target = access.connect?.(url);
    const req = request({
      protocol: 'https:', host: target?.host ?? url.hostname, port: target?.port ?? (url.port || 443), servername: url.hostname,
      path: `${url.pathname}${url.search}`, headers: { host: url.host }, ...(access.ca ? { ca: access.ca } : {}),
    });
    const timer = setTimeout(() => req.destroy(fail('a timeout error')), access.timeoutMs ?? 10_000);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e instanceof LintError ? e : fail('a socket error'));
    });
    req.on('response', (r: IncomingMessage) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        clearTimeout(timer);
        const loc = typeof r.headers.location === 'string' ? r.headers.location : undefined;
        resolve({ status: r.statusCode ?? 0, ...(loc ? { location: loc } : {}), body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end();
  });
  if (res.status >= 300 && res.status < 400 && res.location) {
    if (hops >= 5) throw fail('HTTP error');
    return fetchRemoteInclude(new URL(res.location, url).href, access, hops + 1);
  }
  if (res.status >= 400) throw fail(`HTTP code \`${res.status}\` error`);
  return res.body;
}
