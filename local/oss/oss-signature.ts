import { createHmac, timingSafeEqual } from 'node:crypto';
import { isOssV4, verifyOssV4 } from './oss-signature-v4';
import { OssError } from './oss-xml';

/** A key pair the OSS emulator accepts; AKs starting `STS.` need their token in `x-oss-security-token`. */
export interface OssCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/**
 * Query parameters that are part of the signed resource (OSS signature v1 "CanonicalizedResource" sub-resources).
 * Others (`prefix`, `max-keys`, `list-type`…) are not signed — exactly as ali-oss puts them in `query`, not `subres`.
 */
const SUBRESOURCES = new Set([
  'acl', 'uploads', 'location', 'cors', 'logging', 'website', 'referer', 'lifecycle', 'delete', 'append', 'tagging',
  'objectMeta', 'uploadId', 'partNumber', 'security-token', 'position', 'img', 'style', 'styleName', 'replication',
  'replicationProgress', 'replicationLocation', 'cname', 'bucketInfo', 'comp', 'qos', 'live', 'status', 'vod',
  'startTime', 'endTime', 'symlink', 'x-oss-process', 'response-content-type', 'response-content-language',
  'response-expires', 'response-cache-control', 'response-content-disposition', 'response-content-encoding', 'restore',
  'callback', 'callback-var', 'continuation-token', 'versionId', 'versioning', 'versions', 'policy', 'requestPayment',
  'encryption', 'stat', 'worm', 'wormId', 'wormExtend', 'inventory', 'inventoryId', 'metaQuery', 'resourceGroup',
]);

/** The string OSS v1 signs (ali-oss lib/common/signUtils.js `buildCanonicalString`). */
export function ossStringToSign(method: string, headers: Record<string, string | string[] | undefined>, resource: string, query: URLSearchParams): string {
  const h = (k: string): string => {
    const v = headers[k];
    return Array.isArray(v) ? v.join(',') : (v ?? '');
  };
  const ossHeaders = Object.keys(headers)
    .filter((k) => k.startsWith('x-oss-'))
    .sort()
    .map((k) => `${k}:${h(k).trim()}`);
  const sub = [...new Set([...query.keys()].filter((k) => SUBRESOURCES.has(k)))].sort();
  const canon = sub.length ? `${resource}?${sub.map((k) => (query.get(k) ? `${k}=${query.get(k)}` : k)).join('&')}` : resource;
  return [method.toUpperCase(), h('content-md5'), h('content-type'), h('x-oss-date') || h('date'), ...ossHeaders, canon].join('\n');
}

/** base64(HMAC-SHA1(secret, stringToSign)). */
export function ossSignature(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

/** Date header must be within 15 min of the server clock (RequestTimeTooSkewed). */
const SKEW_MS = 15 * 60_000;

/**
 * Verify `Authorization: OSS <AK>:<sig>` the way OSS does: known key, date window, signature, STS token. Throws
 * OssError with OSS's codes (AccessDenied, InvalidAccessKeyId, RequestTimeTooSkewed, SignatureDoesNotMatch,
 * InvalidSecurityToken / SecurityTokenExpired). V4 (`OSS4-HMAC-SHA256`, header or URL) goes to oss-signature-v4.ts,
 * with the same codes; `region` is the service's standard region (`ap-northeast-2`) V4 signs with.
 */
export function verifyOssRequest(
  method: string,
  headers: Record<string, string | string[] | undefined>,
  resource: string,
  query: URLSearchParams,
  creds: Map<string, OssCredential>,
  now: Date,
  region?: string,
): OssCredential {
  const auth = String(headers.authorization ?? '');
  if (isOssV4(auth, query)) return verifyOssV4({ method, headers, resource, query, creds, now, ...(region ? { region } : {}) }, SKEW_MS);
  if (!auth) throw new OssError(403, 'AccessDenied', 'You have no right to access this object because of bucket acl.');
  const m = /^OSS ([^:]+):(.+)$/.exec(auth);
  if (!m) throw new OssError(400, 'InvalidArgument', 'Authorization header is invalid.', { ArgumentName: 'Authorization', ArgumentValue: auth.slice(0, 12) });
  const cred = creds.get(m[1]!);
  if (!cred) throw new OssError(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.', { OSSAccessKeyId: m[1]! });
  const date = Date.parse(String(headers['x-oss-date'] ?? headers.date ?? ''));
  if (Number.isNaN(date)) throw new OssError(403, 'AccessDenied', 'OSS authentication requires a valid Date.');
  if (Math.abs(now.getTime() - date) > SKEW_MS) throw new OssError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  const sts = ossStringToSign(method, headers, resource, query);
  const want = Buffer.from(ossSignature(cred.accessKeySecret, sts));
  const got = Buffer.from(m[2]!);
  if (want.length !== got.length || !timingSafeEqual(want, got)) {
    throw new OssError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
      StringToSign: sts,
      OSSAccessKeyId: cred.accessKeyId,
    });
  }
  const token = headers['x-oss-security-token'];
  if (cred.securityToken || cred.accessKeyId.startsWith('STS.')) {
    if (!token) throw new OssError(403, 'InvalidAccessKeyId', 'The security token you provided is required for this AccessKeyId.');
    if (token !== cred.securityToken) throw new OssError(403, 'InvalidSecurityToken', 'The security token you provided is invalid.');
  }
  return cred;
}
