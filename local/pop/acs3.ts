import { createHash, createHmac } from 'node:crypto';
import { percentEncode } from './signing';

/**
 * Alibaba Cloud signature V3, `ACS3-HMAC-SHA256` (and `ACS3-HMAC-SM3`: the same with SM3 for hash and HMAC), as the
 * official SDKs sign (aliyun/darabonba-openapi-util
 * `ts/src/client.ts` `getAuthorization`, and @alicloud/openapi-core `utils.ts`; help.aliyun.com/document_detail/2593177):
 *
 *   CanonicalRequest = METHOD\nCanonicalURI\nCanonicalQuery\nCanonicalHeaders\nSignedHeaders\nHashedPayload
 *   StringToSign     = "ACS3-HMAC-SHA256\n" + hex(sha256(CanonicalRequest))
 *   Authorization    = ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<h1;h2>,Signature=hex(hmac_sha256(secret, StringToSign))
 *
 * One implementation for both emulators (POP RPC/ROA in local/pop, FC 3.0 in local/fc); tests also use `acs3Authorize`
 * to craft raw requests. Verified against the published vector in acs3.test.ts.
 */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';
/** The SDKs' optional Chinese-standard variant (`signatureAlgorithm: 'ACS3-HMAC-SM3'`, @alicloud/openapi-core `utils.ts` `hash`/`signatureMethod`). */
export const ACS3_SM3 = 'ACS3-HMAC-SM3';
/** The HMAC algorithms a verifier can check with the caller's secret. */
export type Acs3HmacAlgorithm = typeof ACS3_ALGORITHM | typeof ACS3_SM3;
const DIGEST: Record<Acs3HmacAlgorithm, string> = { [ACS3_ALGORITHM]: 'sha256', [ACS3_SM3]: 'sm3' };

/** A request as the gateway sees it. */
export interface Acs3Request {
  method: string;
  /** The path as sent on the request line (still percent-encoded), without the query. */
  rawPath: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  /** Lower-case header name → every value sent under that name (any case), in order. */
  headers: Record<string, string[]>;
}

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
/** hex(hash(data)) with the algorithm's digest: SHA-256 or SM3 (node's OpenSSL names it `sm3`). */
export const acs3Hash = (data: Buffer | string, alg: Acs3HmacAlgorithm = ACS3_ALGORITHM): string => createHash(DIGEST[alg]).update(data).digest('hex');

/** Node's `rawHeaders` (name, value, name, value…) grouped by lower-case name. */
export function headerValues(rawHeaders: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) (out[rawHeaders[i]!.toLowerCase()] ??= []).push(rawHeaders[i + 1]!);
  return out;
}

/** The path as sent, with `+` → `%20`, `*` → `%2A`, `%7E` → `~` (the SDK's normalisation of an encoded path). */
export function canonicalUri(rawPath: string): string {
  return rawPath.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/gi, '~');
}

/** Sorted `name=value` pairs, each RFC 3986-encoded (`!'()*` too); an empty value gives `name=`. */
export function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(query[k] ?? '')}`)
    .join('&');
}

/** `name:v1,v2\n` per signed header (values trimmed and sorted, as the SDK joins repeats), names sorted. */
export function canonicalHeaders(headers: Record<string, string[]>, signed: readonly string[]): string {
  return [...signed]
    .sort()
    .map((h) => `${h}:${(headers[h] ?? []).map((v) => v.trim()).sort().join(',')}\n`)
    .join('');
}

export function acs3CanonicalRequest(req: Acs3Request, signed: readonly string[], hashedPayload: string): string {
  const names = [...signed].sort();
  return [req.method, canonicalUri(req.rawPath), canonicalQuery(req.query), canonicalHeaders(req.headers, names), names.join(';'), hashedPayload].join('\n');
}

export function acs3StringToSign(canonicalRequest: string, alg: Acs3HmacAlgorithm = ACS3_ALGORITHM): string {
  return `${alg}\n${acs3Hash(canonicalRequest, alg)}`;
}

export function acs3Signature(secret: string, stringToSign: string, alg: Acs3HmacAlgorithm = ACS3_ALGORITHM): string {
  return createHmac(DIGEST[alg], secret).update(stringToSign, 'utf8').digest('hex');
}

/** Headers the SDKs sign: `host`, `content-type` and every `x-acs-*` present. */
export function signableHeaders(headers: Record<string, string[]>): string[] {
  return Object.keys(headers)
    .filter((h) => h === 'host' || h === 'content-type' || h.startsWith('x-acs-'))
    .sort();
}

/** Client side: the Authorization value for a request (tests craft raw requests with it). */
export function acs3Authorize(req: Acs3Request, hashedPayload: string, accessKeyId: string, secret: string, alg: Acs3HmacAlgorithm = ACS3_ALGORITHM): string {
  const signed = signableHeaders(req.headers);
  const sig = acs3Signature(secret, acs3StringToSign(acs3CanonicalRequest(req, signed, hashedPayload), alg), alg);
  return `${alg} Credential=${accessKeyId},SignedHeaders=${signed.join(';')},Signature=${sig}`;
}

export interface Acs3Authorization {
  algorithm: string;
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** Parse `ACS3-… Credential=AK,SignedHeaders=a;b,Signature=hex`; undefined when it is not of that form. */
export function parseAcs3Authorization(value: string | undefined): Acs3Authorization | undefined {
  const m = /^(ACS3-[A-Z0-9-]+) (.*)$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  const parts = Object.fromEntries(
    m[2]!.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const { Credential: accessKeyId, SignedHeaders: signed, Signature: signature } = parts as Record<string, string | undefined>;
  if (!accessKeyId || !signed || !signature) return undefined;
  return { algorithm: m[1]!, accessKeyId, signedHeaders: signed.split(';').map((h) => h.trim().toLowerCase()), signature };
}
