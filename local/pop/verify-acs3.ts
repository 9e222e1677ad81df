import { timingSafeEqual } from 'node:crypto';
import { ACS3_ALGORITHM, ACS3_SM3, acs3CanonicalRequest, acs3Hash, acs3Signature, acs3StringToSign, parseAcs3Authorization, type Acs3HmacAlgorithm, type Acs3Request } from './acs3';
import type { NonceWindow } from './nonce-window';

/** A key pair the gateway accepts; `securityToken` (or an `STS.` key id) makes it an STS key. */
export interface Acs3Credential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  expiresAt?: Date;
}

export interface Acs3VerifyState {
  credential: (accessKeyId: string) => Acs3Credential | undefined;
  nonces: NonceWindow;
  now: Date;
  /** |server − x-acs-date| allowed; 15 min as for every Alibaba signature (help.aliyun.com/document_detail/2593177). */
  maxSkewMs?: number;
}

/** Why a request was refused; each emulator answers it with its own product's code and body shape. */
export type Acs3Refusal =
  | { kind: 'missing-header'; header: string }
  | { kind: 'malformed'; detail: string }
  | { kind: 'algorithm'; algorithm: string }
  | { kind: 'unknown-key'; accessKeyId: string }
  | { kind: 'bad-date'; value: string }
  | { kind: 'stale-date'; value: string }
  | { kind: 'content-sha256'; stringToSign: string }
  | { kind: 'signature'; stringToSign: string }
  | { kind: 'token-missing' }
  | { kind: 'token-mismatch' }
  | { kind: 'token-expired' }
  | { kind: 'nonce-used'; nonce: string };

export type Acs3Result = { ok: true; credential: Acs3Credential } | { ok: false; refusal: Acs3Refusal };

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const REQUIRED = ['x-acs-date', 'x-acs-signature-nonce'] as const;
const HMAC: readonly string[] = [ACS3_ALGORITHM, ACS3_SM3];

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The header carrying hex(hash(body)). `ACS3-HMAC-SHA256`: `x-acs-content-sha256`. `ACS3-HMAC-SM3`: real clients
 * differ — @alicloud/openapi-core (Node, `client.ts` `doRequest`) sends the SM3 digest under `x-acs-content-sha256`,
 * aliyun-java-sdk-core's `HmacSM3Signer.getContent()` names it `x-acs-content-sm3` — so either is taken, sm3 first.
 */
function contentHeader(alg: Acs3HmacAlgorithm, has: (name: string) => boolean): string {
  return alg === ACS3_SM3 && (has('x-acs-content-sm3') || !has('x-acs-content-sha256')) ? 'x-acs-content-sm3' : 'x-acs-content-sha256';
}

/**
 * Verify an `ACS3-HMAC-SHA256` or `ACS3-HMAC-SM3` request the way Alibaba's gateways do, in this order: Authorization
 * well formed → algorithm one we can check with the caller's secret (`ACS3-RSA-SHA256` needs the caller's public key,
 * which no emulator knows: refused, ADR 0017) → required headers → `SignedHeaders` covering `host` and every `x-acs-*`
 * sent → key known → `x-acs-date` format and ±15 min → content hash header = hash(body) → signature → STS token
 * (`x-acs-security-token`, `x-acs-accesskey-id`) → nonce unused. The nonce is recorded only for a request that passed
 * everything else.
 */
export function verifyAcs3(req: Acs3Request, body: Buffer, st: Acs3VerifyState): Acs3Result {
  const fail = (refusal: Acs3Refusal): Acs3Result => ({ ok: false, refusal });
  const h = (name: string): string | undefined => req.headers[name]?.map((v) => v.trim()).join(',');
  const auth = parseAcs3Authorization(h('authorization'));
  if (!auth) return fail({ kind: 'malformed', detail: 'Authorization is not "ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…"' });
  if (!HMAC.includes(auth.algorithm)) return fail({ kind: 'algorithm', algorithm: auth.algorithm });
  const alg = auth.algorithm as Acs3HmacAlgorithm;
  const content = contentHeader(alg, (n) => h(n) !== undefined);
  for (const name of [...REQUIRED, content]) if (h(name) === undefined) return fail({ kind: 'missing-header', header: name });
  const unsigned = Object.keys(req.headers).filter((n) => (n === 'host' || n.startsWith('x-acs-')) && !auth.signedHeaders.includes(n));
  if (unsigned.length) return fail({ kind: 'malformed', detail: `headers not signed: ${unsigned.join(', ')}` });
  const absent = auth.signedHeaders.filter((n) => req.headers[n] === undefined);
  if (absent.length) return fail({ kind: 'malformed', detail: `signed headers not sent: ${absent.join(', ')}` });
  const cred = st.credential(auth.accessKeyId);
  if (!cred) return fail({ kind: 'unknown-key', accessKeyId: auth.accessKeyId });
  const date = h('x-acs-date')!;
  if (!DATE.test(date) || Number.isNaN(Date.parse(date))) return fail({ kind: 'bad-date', value: date });
  if (Math.abs(st.now.getTime() - Date.parse(date)) > (st.maxSkewMs ?? 15 * 60_000)) return fail({ kind: 'stale-date', value: date });
  // The server hashes the body it received; a header that lies about it cannot produce a matching signature.
  const actual = acs3Hash(body, alg);
  const sts = acs3StringToSign(acs3CanonicalRequest(req, auth.signedHeaders, actual), alg);
  if (h(content)!.toLowerCase() !== actual) return fail({ kind: 'content-sha256', stringToSign: sts });
  if (!same(acs3Signature(cred.accessKeySecret, sts, alg), auth.signature.toLowerCase())) return fail({ kind: 'signature', stringToSign: sts });
  const token = h('x-acs-security-token');
  if (cred.securityToken !== undefined || cred.accessKeyId.startsWith('STS.')) {
    if (!token) return fail({ kind: 'token-missing' });
    if (token !== cred.securityToken) return fail({ kind: 'token-mismatch' });
    if (cred.expiresAt && cred.expiresAt.getTime() <= st.now.getTime()) return fail({ kind: 'token-expired' });
  }
  const keyHeader = h('x-acs-accesskey-id');
  if ((token || keyHeader !== undefined) && keyHeader !== cred.accessKeyId) return fail({ kind: 'token-mismatch' });
  const nonce = h('x-acs-signature-nonce')!;
  if (!st.nonces.use(nonce, st.now)) return fail({ kind: 'nonce-used', nonce });
  return { ok: true, credential: cred };
}
