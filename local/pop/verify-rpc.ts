import { timingSafeEqual } from 'node:crypto';
import { gatewayErrors as E } from './pop-error';
import { rpcSignature, rpcStringToSign } from './signing';
import type { NonceWindow } from './nonce-window';
import type { PopCredential } from './types';

/** Window Alibaba allows between the request's Timestamp and the server clock (15 min, else
 * `InvalidTimeStamp.Expired`: https://help.aliyun.com/document_detail/48054.html). */
export const TIMESTAMP_SKEW_MS = 15 * 60_000;

export interface VerifyState {
  credentials: Map<string, PopCredential>;
  nonces: NonceWindow;
  now: Date;
}

/**
 * Check an RPC call's signature v1 the way the gateway does: key known, signature method, timestamp window,
 * HMAC-SHA1 over the canonical params, STS token, nonce unused. Throws `PopError`; returns the caller's AK.
 */
export function verifyRpc(method: string, params: Record<string, string>, st: VerifyState): PopCredential {
  for (const k of ['AccessKeyId', 'Signature', 'SignatureNonce', 'Timestamp'] as const) {
    if (!params[k]) throw E.missingParameter(k);
  }
  const cred = st.credentials.get(params.AccessKeyId!);
  if (!cred) throw E.accessKeyNotFound();
  if ((params.SignatureMethod ?? 'HMAC-SHA1') !== 'HMAC-SHA1') throw E.signatureMethod();
  checkTimestamp(params.Timestamp!, st.now);
  const expected = rpcSignature(method, params, cred.accessKeySecret);
  if (!safeEqual(expected, params.Signature!)) throw E.signatureMismatch(rpcStringToSign(method, params));
  checkToken(cred, params.SecurityToken, st.now);
  useNonce(params.SignatureNonce!, st);
  return cred;
}

/** `YYYY-MM-DDThh:mm:ssZ` (UTC) within ±15 min of now. */
export function checkTimestamp(ts: string, now: Date): void {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(ts)) throw E.timestampFormat();
  const t = Date.parse(ts);
  if (Number.isNaN(t)) throw E.timestampFormat();
  if (Math.abs(now.getTime() - t) > TIMESTAMP_SKEW_MS) throw E.timestampExpired();
}

/** STS keys (AK `STS.…`) must carry their own, unexpired token. */
export function checkToken(cred: PopCredential, token: string | undefined, now: Date): void {
  if (!cred.accessKeyId.startsWith('STS.') && !cred.securityToken) return;
  if (!token) throw E.tokenMissing();
  if (token !== cred.securityToken) throw E.tokenMismatch();
  if (cred.expiresAt && cred.expiresAt.getTime() <= now.getTime()) throw E.tokenExpired();
}

/** Each nonce is good once within the 15-min replay window (NonceWindow). */
export function useNonce(nonce: string, st: Pick<VerifyState, 'nonces' | 'now'>): void {
  if (!st.nonces.use(nonce, st.now)) throw E.nonceUsed();
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
