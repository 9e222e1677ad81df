import { createHmac } from 'node:crypto';

/**
 * POP signature v1 as @alicloud/pop-core signs it (lib/rpc.js `encode`, `normalize`, `canonicalize`; lib/roa.js
 * `buildStringToSign`). The emulator recomputes with these; tests use them to craft raw requests.
 */

/** encodeURIComponent plus `! ' ( ) *` (RFC 3986), as pop-core's `encode`. */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Sorted, encoded `k=v&...` over every param except `Signature`. */
export function rpcCanonicalize(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] ?? '')}`)
    .join('&');
}

/** `METHOD&%2F&encode(canonicalized)`. */
export function rpcStringToSign(method: string, params: Record<string, string>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(rpcCanonicalize(params))}`;
}

/** base64(HMAC-SHA1(secret + '&', stringToSign)). */
export function rpcSignature(method: string, params: Record<string, string>, secret: string): string {
  return hmacSha1(secret + '&', rpcStringToSign(method, params));
}

export function hmacSha1(key: string, data: string): string {
  return createHmac('sha1', key).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** pop-core's `filter`: tabs/newlines in x-acs-* header values become spaces. */
const filter = (v: string): string => v.replace(/[\t\n\r\f]/g, ' ');

/**
 * ROA string to sign: `METHOD\naccept\ncontent-md5\ncontent-type\ndate\n` + sorted `x-acs-*:v\n` + resource, where
 * resource is the path plus sorted `k=v` with raw (unencoded) query values — exactly roa.js.
 */
export function roaStringToSign(method: string, path: string, headers: Record<string, string>, query: Record<string, string>): string {
  const h = (k: string): string => headers[k] ?? '';
  const acs = Object.keys(headers)
    .filter((k) => k.startsWith('x-acs-'))
    .sort()
    .map((k) => `${k}:${filter(headers[k]!).trim()}\n`)
    .join('');
  const keys = Object.keys(query).sort();
  const resource = keys.length ? `${path}?${keys.map((k) => `${k}=${query[k]}`).join('&')}` : path;
  return `${method}\n${h('accept')}\n${h('content-md5')}\n${h('content-type')}\n${h('date')}\n${acs}${resource}`;
}

/** Timestamp as POP wants it: `YYYY-MM-DDThh:mm:ssZ`. */
export function popTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
