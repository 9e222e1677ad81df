import type { IncomingMessage } from 'node:http';
import { headerValues } from './acs3';
import { gatewayErrors as E, type PopError } from './pop-error';
import type { PopCredential } from './types';
import { verifyAcs3, type Acs3Refusal } from './verify-acs3';
import type { VerifyState } from './verify-rpc';

/** True when the request is signed with signature V3 (`Authorization: ACS3-…`), as the official SDKs sign by default. */
export const isAcs3 = (req: IncomingMessage): boolean => /^ACS3-/i.test(String(req.headers.authorization ?? '').trim());

/**
 * The POP gateway's answer to each ACS3 refusal, with the codes it uses for signature v1 (pop-error.ts). The V3
 * mismatch text is the gateway's; the code for an `x-acs-content-sha256` that disagrees with the body is UNCONFIRMED:
 * the server signs the body it received, so the signature cannot match and we answer SignatureDoesNotMatch. An
 * algorithm the emulator cannot verify (`ACS3-RSA-SHA256`, anything unknown) is `InvalidSignatureMethod` (the v1 code
 * for a bad `SignatureMethod`; the gateway's V3 answer is UNCONFIRMED).
 */
export function popAcs3Error(r: Acs3Refusal): PopError {
  switch (r.kind) {
    case 'missing-header':
      return E.missingParameter(r.header);
    case 'malformed':
      return E.incompleteSignature(r.detail);
    case 'algorithm':
      return E.signatureMethod();
    case 'unknown-key':
      return E.accessKeyNotFound();
    case 'bad-date':
      return E.timestampFormat();
    case 'stale-date':
      return E.timestampExpired();
    case 'content-sha256':
    case 'signature':
      return E.signatureMismatchV3(r.stringToSign);
    case 'token-missing':
      return E.tokenMissing();
    case 'token-mismatch':
      return E.tokenMismatch();
    case 'token-expired':
      return E.tokenExpired();
    case 'nonce-used':
      return E.nonceUsed();
  }
}

/** Verify an ACS3 POP request (RPC at `/` or ROA); throws the POP error, returns the caller's key. */
export function verifyPopAcs3(req: IncomingMessage, url: URL, body: Buffer, st: VerifyState): PopCredential {
  const res = verifyAcs3(
    { method: (req.method ?? 'GET').toUpperCase(), rawPath: (req.url ?? '/').split('?')[0]!, query: Object.fromEntries(url.searchParams), headers: headerValues(req.rawHeaders) },
    body,
    { credential: (ak) => st.credentials.get(ak), nonces: st.nonces, now: st.now },
  );
  if (!res.ok) throw popAcs3Error(res.refusal);
  return res.credential;
}
