/**
 * `GITLAB_REMOTE_INCLUDE_ALLOWLIST`: which `include:remote` URLs discovery may fetch itself. Entries and URLs are
 * compared as parsed URLs (WHATWG: scheme, host, port, dot segments normalised), never as text prefixes, so
 * `https://gitlab.example.com.evil.test/` or `https://gitlab.example.com@evil.test/` never pass for
 * `https://gitlab.example.com/`.
 */

/** The decision for one URL: allowed (with the parsed URL) or refused with the reason. */
export type RemoteDecision = { ok: true; url: URL } | { ok: false; reason: string };

// Encoded separators let a server see a path the parser did not (`/ok%2F..%2Fsecret`): refused outright.
const ENCODED_SEPARATOR = /%2f|%5c/i;

/** Parse one allowlist entry; returns the reason when it is not an https URL prefix. */
export function allowlistEntryProblem(entry: string): string | undefined {
  let u: URL;
  try {
    u = new URL(entry);
  } catch {
    return `"${entry}" is not a URL`;
  }
  if (u.protocol !== 'https:') return `"${entry}" is not https (remote includes are fetched over https only)`;
  if (u.username || u.password) return `"${entry}" carries credentials`;
  if (u.search || u.hash) return `"${entry}" has a query or fragment`;
  return undefined;
}

/**
 * Is `raw` on the allowlist? Same origin (scheme + host + port) as an entry, and the path equals the entry's path or
 * continues it at a `/` boundary. Only https; no credentials in the URL; no encoded `/` or `\` in its path.
 * @example remoteIncludeAllowed('https://gitlab.example.com.evil.test/x.yml', ['https://gitlab.example.com/']) // { ok: false, … }
 */
export function remoteIncludeAllowed(raw: string, allowlist: string[]): RemoteDecision {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'remote include is not a valid URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'remote includes are fetched over https only' };
  if (url.username || url.password) return { ok: false, reason: 'remote include URL carries credentials' };
  if (ENCODED_SEPARATOR.test(url.pathname)) return { ok: false, reason: 'remote include path holds an encoded separator' };
  for (const entry of allowlist) {
    if (allowlistEntryProblem(entry)) continue;
    const e = new URL(entry);
    if (e.origin !== url.origin) continue;
    const base = e.pathname;
    if (url.pathname === base || url.pathname.startsWith(base.endsWith('/') ? base : `${base}/`)) return { ok: true, url };
  }
  return { ok: false, reason: 'remote include not on the allowlist (GITLAB_REMOTE_INCLUDE_ALLOWLIST)' };
}
