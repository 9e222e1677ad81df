import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { headerValues } from '#local/pop/acs3';
import type { NonceWindow } from '#local/pop/nonce-window';
import { verifyAcs3, type Acs3Refusal } from '#local/pop/verify-acs3';
import { fcErrors, type FcApiError } from './fc-error';

/** A key pair the emulator accepts; `securityToken` set = STS key, whose token must come in `x-fc-security-token`. */
export interface FcCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface VerifyInput {
  method: string;
  /** Path as sent, without query: fc2 signs `/<version><path>` and nothing of the query (outside /proxy/). */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  credentials: readonly FcCredential[];
  accountId: string;
  now: Date;
  /** Allowed |server − Date| skew; FC's exact window is unconfirmed, 15 min is the common Alibaba value. */
  maxSkewMs?: number;
  /** For ACS3 requests: the raw header lines (repeats kept), the decoded query and the replay window. */
  rawHeaders: readonly string[];
  query: Record<string, string>;
  nonces: NonceWindow;
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(',') : v);

/**
 * FC's string to sign, re-implemented from the algorithm (not by calling fc2, so a change in the SDK shows up):
 * `METHOD\nContent-MD5\nContent-Type\nDate\n` + sorted lower-cased `x-fc-*` headers as `k:v\n` + path.
 */
export function fcStringToSign(method: string, path: string, headers: IncomingHttpHeaders): string {
  const fc = Object.keys(headers)
    .map((k) => k.toLowerCase().trim())
    .filter((k) => k.startsWith('x-fc-'))
    .sort()
    .map((k) => `${k}:${one(headers[k]) ?? ''}\n`)
    .join('');
  return `${method}\n${one(headers['content-md5']) ?? ''}\n${one(headers['content-type']) ?? ''}\n${one(headers.date) ?? ''}\n${fc}${path}`;
}

/** base64(HMAC-SHA256(secret, stringToSign)). */
export function fcSign(secret: string, stringToSign: string): string {
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Check one request the way FC does: headers present, known key, STS token, Date skew, body MD5 (fc2 sends
 * base64 of the *hex* digest), account and signature. Returns the FC error to answer with, or undefined when valid.
 */
export function verifyFcRequest(inp: VerifyInput): FcApiError | undefined {
  const h = inp.headers;
  const auth = one(h.authorization);
  if (!auth) return fcErrors.missingHeader('Authorization');
  if (/^ACS3-/i.test(auth.trim())) return verifyFcAcs3(inp);
  const date = one(h.date);
  if (!date) return fcErrors.missingHeader('Date');
  const m = /^FC ([^:\s]+):(\S+)$/.exec(auth);
  if (!m) return fcErrors.signatureNotMatch();
  const [, ak, sig] = m as unknown as [string, string, string];
  const cred = inp.credentials.find((c) => c.accessKeyId === ak);
  if (!cred) return fcErrors.invalidAccessKeyId(ak);
  if (cred.securityToken !== undefined && one(h['x-fc-security-token']) !== cred.securityToken) {
    return fcErrors.accessDenied('invalid or missing x-fc-security-token for an STS access key');
  }
  const t = Date.parse(date);
  if (Number.isNaN(t)) return fcErrors.invalidArgument(`invalid Date header '${date}'`);
  if (Math.abs(inp.now.getTime() - t) > (inp.maxSkewMs ?? 15 * 60_000)) {
    return fcErrors.accessDenied(`the difference between the request time '${date}' and the server time is too large`);
  }
  const md5 = one(h['content-md5']);
  if (inp.body.length > 0 && md5 !== undefined) {
    const want = Buffer.from(createHash('md5').update(inp.body).digest('hex'), 'utf8').toString('base64');
    if (md5 !== want) return fcErrors.invalidArgument('Content-MD5 does not match the request body');
  }
  const acct = one(h['x-fc-account-id']);
  if (acct !== undefined && acct !== inp.accountId) return fcErrors.accessDenied(`account '${acct}' does not match this endpoint`);
  const expected = Buffer.from(fcSign(cred.accessKeySecret, fcStringToSign(inp.method, inp.path, h)));
  const got = Buffer.from(sig);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return fcErrors.signatureNotMatch();
  return undefined;
}

/**
 * The official FC 3.0 SDK (@alicloud/fc20230330) signs with ACS3-HMAC-SHA256, or ACS3-HMAC-SM3 when configured (shared
 * verifier, local/pop/verify-acs3.ts); ACS3-RSA-SHA256 is refused as InvalidArgument (FC's real code UNCONFIRMED).
 * Refusals use FC's documented codes (help.aliyun.com/zh/fc/developer-reference/error-codes): 403 SignatureNotMatch /
 * InvalidAccessKeyID / AccessDenied, 400 MissingRequiredHeader / InvalidArgument. Which code FC gives a stale
 * `x-acs-date`, a bad STS token or a replayed nonce is UNCONFIRMED; like the `FC ak:sig` branch we answer AccessDenied.
 */
function verifyFcAcs3(inp: VerifyInput): FcApiError | undefined {
  const res = verifyAcs3(
    { method: inp.method, rawPath: inp.path, query: inp.query, headers: headerValues(inp.rawHeaders) },
    inp.body,
    { credential: (ak) => inp.credentials.find((c) => c.accessKeyId === ak), nonces: inp.nonces, now: inp.now, ...(inp.maxSkewMs ? { maxSkewMs: inp.maxSkewMs } : {}) },
  );
  return res.ok ? undefined : fcAcs3Error(res.refusal);
}

export function fcAcs3Error(r: Acs3Refusal): FcApiError {
  switch (r.kind) {
    case 'missing-header':
      return fcErrors.missingHeader(r.header);
    case 'malformed':
      return fcErrors.invalidArgument(r.detail);
    case 'algorithm':
      return fcErrors.invalidArgument(`unsupported signature algorithm ${r.algorithm.slice(0, 64)}`);
    case 'unknown-key':
      return fcErrors.invalidAccessKeyId(r.accessKeyId);
    case 'bad-date':
      return fcErrors.invalidArgument(`invalid x-acs-date '${r.value}'`);
    case 'stale-date':
      return fcErrors.accessDenied(`the difference between the request time '${r.value}' and the server time is too large`);
    case 'content-sha256':
    case 'signature':
      return fcErrors.signatureNotMatch();
    case 'token-missing':
    case 'token-mismatch':
    case 'token-expired':
      return fcErrors.accessDenied('invalid or missing x-acs-security-token for an STS access key');
    case 'nonce-used':
      return fcErrors.accessDenied(`signature nonce '${r.nonce.slice(0, 64)}' was used already`);
  }
}
