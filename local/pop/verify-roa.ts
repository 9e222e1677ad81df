import { createHash } from 'node:crypto';
import { gatewayErrors as E } from './pop-error';
import { hmacSha1, roaStringToSign } from './signing';
import type { PopCredential } from './types';
import { checkToken, safeEqual, TIMESTAMP_SKEW_MS, useNonce, type VerifyState } from './verify-rpc';

/**
 * Check a ROA call signed as pop-core's roa.js does: `Authorization: acs <AK>:base64(HMAC-SHA1(secret, sts))`, the
 * `Date` header within 15 min, `Content-MD5` matching the body, STS token in `x-acs-security-token`, nonce unused.
 */
export function verifyRoa(
  method: string,
  path: string,
  headers: Record<string, string>,
  query: Record<string, string>,
  body: Buffer,
  st: VerifyState,
): PopCredential {
  const auth = /^acs ([^:]+):(.+)$/.exec(headers.authorization ?? '');
  if (!auth) throw E.missingParameter('Authorization');
  const cred = st.credentials.get(auth[1]!);
  if (!cred) throw E.accessKeyNotFound();
  const date = Date.parse(headers.date ?? '');
  if (Number.isNaN(date)) throw E.timestampFormat();
  if (Math.abs(st.now.getTime() - date) > TIMESTAMP_SKEW_MS) throw E.timestampExpired();
  if (headers['content-md5'] && headers['content-md5'] !== createHash('md5').update(body).digest('base64')) throw E.contentMd5();
  if ((headers['x-acs-signature-method'] ?? 'HMAC-SHA1') !== 'HMAC-SHA1') throw E.signatureMethod();
  const sts = roaStringToSign(method, path, headers, query);
  if (!safeEqual(hmacSha1(cred.accessKeySecret, sts), auth[2]!)) throw E.signatureMismatch(sts);
  checkToken(cred, headers['x-acs-security-token'], st.now);
  if (headers['x-acs-security-token'] && headers['x-acs-accesskey-id'] !== cred.accessKeyId) throw E.tokenMismatch();
  const nonce = headers['x-acs-signature-nonce'];
  if (!nonce) throw E.missingParameter('x-acs-signature-nonce');
  useNonce(nonce, st);
  return cred;
}
