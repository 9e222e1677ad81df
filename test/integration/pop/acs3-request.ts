import { randomUUID } from 'node:crypto';
import { ACS3_ALGORITHM, acs3Authorize, acs3Hash, type Acs3HmacAlgorithm, type Acs3Request } from '#local/pop/acs3';
import { percentEncode, popTimestamp } from '#local/pop/signing';

export interface RawAcs3 {
  method?: string;
  path: string;
  query?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
  accessKeyId: string;
  secret: string;
  securityToken?: string;
  date?: Date;
  nonce?: string;
  /** Default ACS3-HMAC-SHA256. */
  algorithm?: Acs3HmacAlgorithm;
  /** The header carrying hex(hash(body)); default `x-acs-content-sha256` (aliyun-java-sdk-core sends SM3's as `x-acs-content-sm3`). */
  contentHeader?: string;
  /** Change headers after signing (a tampered request). */
  after?: (h: Record<string, string>) => void;
}

/** Send a request signed by hand with ACS3-HMAC-SHA256 or -SM3 (for what an SDK cannot be made to send). */
export async function acs3Fetch(base: string, r: RawAcs3): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = r.body ?? '';
  const alg = r.algorithm ?? ACS3_ALGORITHM;
  const headers: Record<string, string> = {
    host: new URL(base).host,
    'x-acs-date': popTimestamp(r.date ?? new Date()),
    'x-acs-signature-nonce': r.nonce ?? randomUUID(),
    [r.contentHeader ?? 'x-acs-content-sha256']: acs3Hash(body, alg),
    ...(r.securityToken ? { 'x-acs-security-token': r.securityToken, 'x-acs-accesskey-id': r.accessKeyId } : {}),
    ...r.headers,
  };
  const req: Acs3Request = {
    method: r.method ?? 'GET',
    rawPath: r.path,
    query: r.query ?? {},
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]])),
  };
  headers.authorization = acs3Authorize(req, acs3Hash(body, alg), r.accessKeyId, r.secret, alg);
  r.after?.(headers);
  const { host: _host, ...send } = headers; // fetch sends the same Host itself
  const qs = Object.entries(r.query ?? {})
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
  const res = await fetch(`${base}${r.path}${qs ? `?${qs}` : ''}`, { method: req.method, headers: send, ...(body ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
