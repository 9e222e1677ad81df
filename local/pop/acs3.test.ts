import { describe, expect, it } from 'vitest';
import { ACS3_SM3, acs3Authorize, acs3CanonicalRequest, acs3Hash, canonicalQuery, canonicalUri, headerValues, parseAcs3Authorization, sha256Hex, type Acs3Request } from './acs3';
import { NonceWindow } from './nonce-window';
import { verifyAcs3 } from './verify-acs3';

describe('ACS3-HMAC-SHA256', () => {
  it('reproduces the published test vector (aliyun/darabonba-openapi-util ts/test/client.spec.ts "getAuthorization should ok")', () => {
    // The spec leaves method and pathname unset, so its canonical request starts with "undefined\n\n".
    const req: Acs3Request = { method: 'undefined', rawPath: '', query: { test: 'ok', empty: '' }, headers: { 'x-acs-test': ['https', 'http'] } };
    const auth = acs3Authorize(req, '55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23', 'acesskey', 'secret');
    expect(auth).toBe('ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,Signature=0f2d549523cf082c83bb8135b5863614f7fe16ca7c2c7fc537e74d67374eeeac');
    expect(acs3CanonicalRequest(req, ['x-acs-test'], 'h').split('\n').slice(0, 4)).toEqual(['undefined', '', 'empty=&test=ok', 'x-acs-test:http,https']);
  });

  it('encodes the canonical URI and query the way the SDKs do', () => {
    expect(canonicalUri('/a+b/c*d/%7Eme')).toBe('/a%20b/c%2Ad/~me');
    expect(canonicalQuery({ b: "it's (ok)*!", a: 'x y~', 'k.1': '' })).toBe('a=x%20y~&b=it%27s%20%28ok%29%2A%21&k.1=');
    expect(headerValues(['Host', 'h', 'X-Acs-Date', 'd', 'x-acs-date', 'e'])).toEqual({ host: ['h'], 'x-acs-date': ['d', 'e'] });
    expect(parseAcs3Authorization('ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;x-acs-date,Signature=ab')).toEqual({
      algorithm: 'ACS3-HMAC-SHA256',
      accessKeyId: 'AK',
      signedHeaders: ['host', 'x-acs-date'],
      signature: 'ab',
    });
    expect(parseAcs3Authorization('acs AK:sig')).toBeUndefined();
  });

  describe('verifyAcs3', () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const cred = { accessKeyId: 'STS.k', accessKeySecret: 's3cret', securityToken: 'tok' };
    const body = Buffer.from('{"a":1}');
    const signed = (over: Record<string, string> = {}, secret = cred.accessKeySecret, payload = body): Acs3Request => {
      const headers: Record<string, string[]> = {
        host: ['fc.local:1'],
        'x-acs-date': ['2026-11-27T10:05:00Z'],
        'x-acs-signature-nonce': [`n-${Math.random()}`],
        'x-acs-content-sha256': [sha256Hex(payload)],
        'x-acs-security-token': ['tok'],
        'x-acs-accesskey-id': ['STS.k'],
        'content-type': ['application/json'],
      };
      for (const [k, v] of Object.entries(over)) headers[k] = [v];
      const req: Acs3Request = { method: 'POST', rawPath: '/2023-03-30/functions/f/invocations', query: { qualifier: 'LATEST' }, headers };
      headers.authorization = [acs3Authorize(req, headers['x-acs-content-sha256']![0]!, cred.accessKeyId, secret)];
      return req;
    };
    const st = () => ({ credential: (ak: string) => (ak === cred.accessKeyId ? cred : undefined), nonces: new NonceWindow(), now });

    it('accepts a correctly signed STS request once, then refuses the replayed nonce', () => {
      const s = st();
      const req = signed();
      expect(verifyAcs3(req, body, s)).toMatchObject({ ok: true, credential: { accessKeyId: 'STS.k' } });
      expect(verifyAcs3(req, body, s)).toMatchObject({ ok: false, refusal: { kind: 'nonce-used' } });
    });

    it('names each refusal: secret, body hash, date, token, key header, unsigned header, unknown key', () => {
      const kind = (req: Acs3Request, b = body) => {
        const r = verifyAcs3(req, b, st());
        return r.ok ? 'ok' : r.refusal.kind;
      };
      expect(kind(signed({}, 'wrong'))).toBe('signature');
      expect(kind(signed(), Buffer.from('{"a":2}'))).toBe('content-sha256');
      expect(kind(signed({ 'x-acs-date': '2026-11-27T10:16:00Z' }))).toBe('stale-date');
      expect(kind(signed({ 'x-acs-date': '2026-11-27 10:00:00' }))).toBe('bad-date');
      expect(kind(signed({ 'x-acs-security-token': 'other' }))).toBe('token-mismatch');
      expect(kind(signed({ 'x-acs-accesskey-id': 'STS.other' }))).toBe('token-mismatch');
      const noToken = signed();
      delete noToken.headers['x-acs-security-token'];
      delete noToken.headers['x-acs-accesskey-id'];
      noToken.headers.authorization = [acs3Authorize(noToken, sha256Hex(body), cred.accessKeyId, cred.accessKeySecret)];
      expect(kind(noToken)).toBe('token-missing');
      const extra = signed();
      extra.headers['x-acs-extra'] = ['not signed'];
      expect(kind(extra)).toBe('malformed');
      const missing = signed();
      delete missing.headers['x-acs-content-sha256'];
      expect(verifyAcs3(missing, body, st())).toMatchObject({ ok: false, refusal: { kind: 'missing-header', header: 'x-acs-content-sha256' } });
      const unknown = signed();
      unknown.headers.authorization = [unknown.headers.authorization![0]!.replace('Credential=STS.k', 'Credential=LTAIother')];
      expect(kind(unknown)).toBe('unknown-key');
    });
  });

  describe('ACS3-HMAC-SM3', () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const cred = { accessKeyId: 'LTAIsm3', accessKeySecret: 'sm3-secret' };
    const body = Buffer.from('Action=x&b=1');
    const st = () => ({ credential: (ak: string) => (ak === cred.accessKeyId ? cred : undefined), nonces: new NonceWindow(), now });
    /** A request signed as a client would: `contentHeader` carries hex(sm3(payload)). */
    const signed = (contentHeader: string, secret = cred.accessKeySecret, payload = body, alg: string = ACS3_SM3): Acs3Request => {
      const headers: Record<string, string[]> = {
        host: ['dm.local:1'],
        'x-acs-date': ['2026-11-27T10:00:00Z'],
        'x-acs-signature-nonce': [`n-${Math.random()}`],
        [contentHeader]: [acs3Hash(payload, ACS3_SM3)],
      };
      const req: Acs3Request = { method: 'POST', rawPath: '/', query: {}, headers };
      headers.authorization = [acs3Authorize(req, acs3Hash(payload, ACS3_SM3), cred.accessKeyId, secret, ACS3_SM3).replace(ACS3_SM3, alg)];
      return req;
    };
    const kind = (req: Acs3Request, b = body) => {
      const r = verifyAcs3(req, b, st());
      return r.ok ? 'ok' : r.refusal.kind;
    };

    it('uses SM3 for the body hash and the HMAC (GB/T 32905 vector for sm3("abc"))', () => {
      expect(acs3Hash('abc', ACS3_SM3)).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    });

    it('accepts the digest under x-acs-content-sha256 (openapi-core) or x-acs-content-sm3 (aliyun-java-sdk-core)', () => {
      expect(kind(signed('x-acs-content-sha256'))).toBe('ok');
      expect(kind(signed('x-acs-content-sm3'))).toBe('ok');
    });

    it('refuses a wrong secret, a changed body, a SHA-256 digest, a missing digest and a tampered signed header', () => {
      expect(kind(signed('x-acs-content-sm3', 'wrong'))).toBe('signature');
      expect(kind(signed('x-acs-content-sm3'), Buffer.from('Action=x&b=2'))).toBe('content-sha256');
      const sha = signed('x-acs-content-sha256');
      sha.headers['x-acs-content-sha256'] = [sha256Hex(body)];
      expect(kind(sha)).toBe('content-sha256');
      const none = signed('x-acs-content-sm3');
      delete none.headers['x-acs-content-sm3'];
      expect(verifyAcs3(none, body, st())).toMatchObject({ ok: false, refusal: { kind: 'missing-header', header: 'x-acs-content-sm3' } });
      const tampered = signed('x-acs-content-sm3');
      tampered.headers['x-acs-date'] = ['2026-11-27T10:00:01Z'];
      expect(kind(tampered)).toBe('signature');
      // An SM3 signature presented as SHA-256 (or the reverse) does not verify.
      expect(kind(signed('x-acs-content-sha256', cred.accessKeySecret, body, 'ACS3-HMAC-SHA256'))).toBe('content-sha256');
    });

    it('refuses ACS3-RSA-SHA256 and unknown algorithms as an algorithm it cannot check', () => {
      expect(verifyAcs3(signed('x-acs-content-sha256', cred.accessKeySecret, body, 'ACS3-RSA-SHA256'), body, st())).toMatchObject({ ok: false, refusal: { kind: 'algorithm', algorithm: 'ACS3-RSA-SHA256' } });
      expect(kind(signed('x-acs-content-sm3', cred.accessKeySecret, body, 'ACS3-HMAC-MD5'))).toBe('algorithm');
    });
  });

  it('NonceWindow forgets nonces older than its window', () => {
    const w = new NonceWindow(1_000);
    const t0 = new Date(0);
    expect(w.use('a', t0)).toBe(true);
    expect(w.use('a', new Date(500))).toBe(false);
    expect(w.use('b', new Date(2_000))).toBe(true);
    expect(w.has('a')).toBe(false);
    expect(w.use('a', new Date(2_100))).toBe(true);
  });
});
