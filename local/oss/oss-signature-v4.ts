import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { OssError } from './oss-xml';

/**
 * OSS signature V4 (`OSS4-HMAC-SHA256`), written from the OSS docs ("Include a V4 signature in the Authorization
 * header", https://www.alibabacloud.com/help/en/oss/developer-reference/recommend-to-use-signature-version-4, and
 * "V4 signatures in presigned URLs", …/add-signatures-to-urls):
 *
 *   CanonicalRequest = VERB\n URI-encode("/<bucket>/<key>", "/" kept)\n CanonicalQuery\n CanonicalHeaders\n
 *                      AdditionalHeaders\n x-oss-content-sha256 (UNSIGNED-PAYLOAD)
 *   StringToSign     = "OSS4-HMAC-SHA256\n" + x-oss-date + "\n" + <yyyymmdd>/<region>/oss/aliyun_v4_request + "\n"
 *                      + hex(sha256(CanonicalRequest))
 *   SigningKey       = HMAC chain "aliyun_v4"+secret → yyyymmdd → region → "oss" → "aliyun_v4_request"
 *
 * CanonicalQuery: every parameter (URL auth: all but `x-oss-signature`), names and values RFC 3986-encoded, sorted,
 * `k=v`, or `k` alone when the value is empty. CanonicalHeaders: `content-type`, `content-md5`, every `x-oss-*` and the
 * AdditionalHeaders, lower-case, values trimmed, sorted, `name:value\n` each. The server builds the scope from its own
 * region and the request's `x-oss-date`, so a wrong region or day in `Credential` fails as a signature mismatch (the
 * real service may answer those with a more specific code: UNCONFIRMED).
 */
export const OSS4 = 'OSS4-HMAC-SHA256';

export interface OssV4Credential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface OssV4Input {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** `/<bucket>/<key>`, decoded. */
  resource: string;
  query: URLSearchParams;
  creds: Map<string, OssV4Credential>;
  now: Date;
  /** The service's standard region (`ap-northeast-2`); undefined: take the one in the request's scope. */
  region?: string;
}

/** RFC 3986 encoding (unreserved `A-Z a-z 0-9 - _ . ~` kept), optionally keeping `/`. */
export function v4Encode(s: string, keepSlash = false): string {
  const e = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? e.replace(/%2F/g, '/') : e;
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(',') : v);

export function ossV4CanonicalRequest(method: string, resource: string, query: [string, string][], headers: OssV4Input['headers'], additional: readonly string[], payload: string): string {
  const q = query
    .map(([k, v]) => [v4Encode(k), v4Encode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v ? `${k}=${v}` : k))
    .join('&');
  const names = new Set(additional);
  for (const k of Object.keys(headers)) if (k === 'content-type' || k === 'content-md5' || k.startsWith('x-oss-')) names.add(k);
  const canon = [...names]
    .sort()
    .map((k) => `${k}:${(one(headers[k]) ?? '').trim()}\n`)
    .join('');
  return [method.toUpperCase(), v4Encode(resource, true), q, canon, additional.join(';'), payload].join('\n');
}

export function ossV4StringToSign(isoDate: string, region: string, canonicalRequest: string): string {
  return [OSS4, isoDate, `${isoDate.slice(0, 8)}/${region}/oss/aliyun_v4_request`, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
}

export function ossV4Signature(secret: string, isoDate: string, region: string, stringToSign: string): string {
  const mac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
  const key = mac(mac(mac(mac(`aliyun_v4${secret}`, isoDate.slice(0, 8)), region), 'oss'), 'aliyun_v4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

interface V4Auth {
  accessKeyId: string;
  region: string;
  additional: string[];
  signature: string;
  isoDate: string;
  /** URL auth: the link's lifetime in seconds. */
  expires?: number;
}

const bad = (what: string): OssError => new OssError(400, 'InvalidArgument', `${what} is invalid.`, { ArgumentName: what });

/** `Credential=AK/yyyymmdd/region/oss/aliyun_v4_request` (header) or `x-oss-credential` (URL) → AK and region. */
function credential(value: string | undefined, what: string): { accessKeyId: string; region: string } {
  const parts = (value ?? '').split('/');
  if (parts.length !== 5 || !parts[0]) throw bad(what);
  return { accessKeyId: parts[0], region: parts[2]! };
}

function headerAuth(auth: string, headers: OssV4Input['headers']): V4Auth {
  const fields = Object.fromEntries(
    auth
      .slice(OSS4.length)
      .split(',')
      .map((p) => p.trim().split('='))
      .map(([k, ...v]) => [k!, v.join('=')]),
  ) as Record<string, string | undefined>;
  if (!fields.Signature) throw bad('Authorization');
  // The docs require x-oss-content-sha256 = UNSIGNED-PAYLOAD (EC 0002-00000214 for another value; code UNCONFIRMED).
  if (one(headers['x-oss-content-sha256']) !== 'UNSIGNED-PAYLOAD') throw bad('x-oss-content-sha256');
  return { ...credential(fields.Credential, 'Authorization'), additional: splitList(fields.AdditionalHeaders), signature: fields.Signature, isoDate: one(headers['x-oss-date']) ?? '' };
}

function urlAuth(q: URLSearchParams): V4Auth {
  const signature = q.get('x-oss-signature');
  if (!signature) throw bad('x-oss-signature'); // EC 0002-00000219 (x-oss-expires missing: 0002-00000215)
  const expires = Number(q.get('x-oss-expires'));
  if (!Number.isInteger(expires) || expires <= 0 || expires > 7 * 86_400) throw bad('x-oss-expires');
  return { ...credential(q.get('x-oss-credential') ?? undefined, 'x-oss-credential'), additional: splitList(q.get('x-oss-additional-headers') ?? undefined), signature, isoDate: q.get('x-oss-date') ?? '', expires };
}

const splitList = (v: string | undefined): string[] => (v ? v.split(';').map((h) => h.trim().toLowerCase()).filter(Boolean).sort() : []);
const ISO = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** True when the request carries a V4 signature (header or URL). */
export const isOssV4 = (auth: string, query: URLSearchParams): boolean => auth.startsWith(`${OSS4} `) || query.get('x-oss-signature-version') === OSS4;

/**
 * Verify a V4 request with the V1 path's codes and texts: InvalidAccessKeyId, AccessDenied (no valid date; URL
 * expired), RequestTimeTooSkewed (header auth, 15 min), SignatureDoesNotMatch (with StringToSign and CanonicalRequest),
 * InvalidSecurityToken; 400 InvalidArgument for a malformed Authorization / URL parameters.
 */
export function verifyOssV4(inp: OssV4Input, skewMs: number): OssV4Credential {
  const auth = String(inp.headers.authorization ?? '');
  const byUrl = !auth.startsWith(`${OSS4} `);
  const a = byUrl ? urlAuth(inp.query) : headerAuth(auth, inp.headers);
  const cred = inp.creds.get(a.accessKeyId);
  if (!cred) throw new OssError(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.', { OSSAccessKeyId: a.accessKeyId });
  const m = ISO.exec(a.isoDate);
  const at = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
  if (Number.isNaN(at)) throw new OssError(403, 'AccessDenied', 'OSS authentication requires a valid Date.');
  if (a.expires !== undefined && inp.now.getTime() > at + a.expires * 1000) throw new OssError(403, 'AccessDenied', 'Request has expired.', { Expires: new Date(at + a.expires * 1000).toISOString() });
  if (a.expires === undefined && Math.abs(inp.now.getTime() - at) > skewMs) throw new OssError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  const query = [...inp.query.entries()].filter(([k]) => !(byUrl && k === 'x-oss-signature'));
  const canonical = ossV4CanonicalRequest(inp.method, inp.resource, query, inp.headers, a.additional, 'UNSIGNED-PAYLOAD');
  const region = inp.region ?? a.region;
  const sts = ossV4StringToSign(a.isoDate, region, canonical);
  const want = Buffer.from(ossV4Signature(cred.accessKeySecret, a.isoDate, region, sts));
  const got = Buffer.from(a.signature.toLowerCase());
  if (want.length !== got.length || !timingSafeEqual(want, got)) {
    throw new OssError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
      StringToSign: sts,
      CanonicalRequest: canonical,
      OSSAccessKeyId: cred.accessKeyId,
    });
  }
  const token = byUrl ? inp.query.get('x-oss-security-token') : one(inp.headers['x-oss-security-token']);
  if (cred.securityToken || cred.accessKeyId.startsWith('STS.')) {
    if (!token) throw new OssError(403, 'InvalidAccessKeyId', 'The security token you provided is required for this AccessKeyId.');
    if (token !== cred.securityToken) throw new OssError(403, 'InvalidSecurityToken', 'The security token you provided is invalid.');
  }
  return cred;
}
