import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { verifyOssRequest } from './oss-signature';
import { ossV4CanonicalRequest, v4Encode } from './oss-signature-v4';

// ali-oss's own V4 signer (lib/common/signUtils.js authorizationV4), used only as the client side: the verifier is
// written from the OSS docs, this checks it against what the client computes, header by header.
const signUtils = createRequire(import.meta.url)('ali-oss/lib/common/signUtils.js') as {
  authorizationV4(ak: string, secret: string, region: string, method: string, req: { headers: Record<string, string>; queries: Record<string, string | null> }, bucket: string, object: string, additional?: string[]): string;
};

const AK = { accessKeyId: 'LTAIv4unit', accessKeySecret: 'v4-unit-secret' };
const creds = new Map([[AK.accessKeyId, AK]]);
const now = new Date('2026-11-27T10:00:00Z');

function signed(over: Record<string, string> = {}, queries: Record<string, string | null> = {}, additional?: string[]) {
  const headers: Record<string, string> = {
    'x-oss-date': '20261127T100000Z',
    'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
    'content-type': 'application/json',
    'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==',
    'x-oss-meta-kind': ' v4 ',
    'x-custom': 'c',
    ...over,
  };
  headers.authorization = signUtils.authorizationV4(AK.accessKeyId, AK.accessKeySecret, 'ap-northeast-2', 'PUT', { headers, queries }, 'bkt', 'dir/a b+c~(1)*.json', additional);
  return headers;
}
const verify = (headers: Record<string, string>, query = '', method = 'PUT', region = 'ap-northeast-2') => {
  try {
    verifyOssRequest(method, headers, '/bkt/dir/a b+c~(1)*.json', new URLSearchParams(query), creds, now, region);
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('OSS V4 verifier against ali-oss authorizationV4', () => {
  it('accepts what the client signs: encoded key, empty and valued query params, additional headers', () => {
    expect(verify(signed())).toBe('ok');
    expect(verify(signed({}, { uploads: null, 'max-keys': '10', prefix: 'a/b c' }), 'uploads&max-keys=10&prefix=a%2Fb+c')).toBe('ok');
    expect(verify(signed({}, {}, ['x-custom']))).toBe('ok');
  });

  it('refuses a tampered signed header, query, method, additional header, region, secret or payload marker', () => {
    expect(verify({ ...signed(), 'x-oss-meta-kind': 'v5' })).toBe('SignatureDoesNotMatch');
    expect(verify({ ...signed(), 'content-type': 'text/plain' })).toBe('SignatureDoesNotMatch');
    expect(verify({ ...signed({}, {}, ['x-custom']), 'x-custom': 'd' })).toBe('SignatureDoesNotMatch');
    expect(verify(signed(), 'acl')).toBe('SignatureDoesNotMatch');
    expect(verify(signed(), '', 'GET')).toBe('SignatureDoesNotMatch');
    expect(verify(signed(), '', 'PUT', 'cn-hangzhou')).toBe('SignatureDoesNotMatch');
    const wrong = signed();
    wrong.authorization = signUtils.authorizationV4(AK.accessKeyId, 'wrong', 'ap-northeast-2', 'PUT', { headers: { ...wrong, authorization: '' }, queries: {} }, 'bkt', 'dir/a b+c~(1)*.json');
    expect(verify(wrong)).toBe('SignatureDoesNotMatch');
    expect(verify({ ...signed(), 'x-oss-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })).toBe('InvalidArgument');
    expect(verify({ ...signed(), 'x-oss-date': '20261127T101600Z' })).toBe('RequestTimeTooSkewed');
    expect(verify({ ...signed(), authorization: 'OSS4-HMAC-SHA256 Credential=LTAIv4unit/20261127,Signature=ab' })).toBe('InvalidArgument');
  });

  it('canonicalises as the docs say: "/" kept in the URI, RFC 3986 elsewhere, bare names for empty values', () => {
    expect(v4Encode("a b+c~(1)*!'/", true)).toBe('a%20b%2Bc~%281%29%2A%21%27/');
    const c = ossV4CanonicalRequest('get', '/bkt/', [['uploads', ''], ['prefix', 'x/y']], { 'x-oss-date': 'd', host: 'h', 'content-type': ' t ' }, [], 'UNSIGNED-PAYLOAD');
    expect(c).toBe('GET\n/bkt/\nprefix=x%2Fy&uploads\ncontent-type:t\nx-oss-date:d\n\n\nUNSIGNED-PAYLOAD');
  });
});
