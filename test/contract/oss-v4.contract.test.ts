import { request } from 'node:http';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOssEmulator, type OssEmulator } from '#local/oss/index';

/**
 * Contract: ali-oss 6.x with `authorizationV4: true` (OSS4-HMAC-SHA256 in the Authorization header,
 * x-oss-content-sha256: UNSIGNED-PAYLOAD, region-scoped signing key) against the OSS emulator, and its
 * `signatureUrlV4` presigned links. A wrong secret, a tampered request or a foreign region must be refused.
 */
const AK = { accessKeyId: 'LTAI5tOssV4Key01', accessKeySecret: 'oss-v4-secret' };
const STS = { accessKeyId: 'STS.OssV4Key02', accessKeySecret: 'oss-v4-sts-secret', stsToken: 'CAIS-oss-v4' };
let oss: OssEmulator;

beforeAll(async () => {
  oss = await startOssEmulator({ credentials: [AK, { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret, securityToken: STS.stsToken }], buckets: ['bkt'] });
});
afterAll(() => oss.close());

const client = (o: Partial<OSS.Options> = {}) => new OSS({ endpoint: oss.url, region: 'oss-ap-northeast-2', bucket: 'bkt', ...AK, authorizationV4: true, ...o } as OSS.Options);
const failure = (p: Promise<unknown>) => p.then(() => ({ code: 'none' }), (e: { code?: string; status?: number; params?: unknown }) => e);

/** GET a presigned URL with the virtual-host Host header ali-oss would use for a real endpoint. */
function fetchSigned(url: string, tamper = (u: URL) => u): Promise<{ status: number; body: string }> {
  const u = tamper(new URL(url));
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers: { host: 'bkt.oss-ap-northeast-2.aliyuncs.com' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ali-oss with authorizationV4 against the OSS emulator', () => {
  it('put, head, get, list and delete succeed with an AK and with an STS token', async () => {
    for (const c of [client(), client({ ...STS, refreshSTSToken: async () => ({ ...STS }) } as Partial<OSS.Options>)]) {
      await c.put('v4/a b+c (1).json', Buffer.from('{"v":4}'), { headers: { 'x-oss-meta-kind': 'v4' } } as OSS.PutObjectOptions);
      expect((await c.head('v4/a b+c (1).json')).meta).toEqual({ kind: 'v4' });
      expect((await c.get('v4/a b+c (1).json')).content.toString()).toBe('{"v":4}');
      const list = await c.listV2({ prefix: 'v4/', 'max-keys': '10' } as OSS.ListV2ObjectsQuery, {});
      expect(list.objects.map((o) => o.name)).toEqual(['v4/a b+c (1).json']);
      await c.delete('v4/a b+c (1).json');
    }
    expect(oss.calls.filter((r) => r.status >= 400)).toEqual([]);
  });

  it('a wrong secret is SignatureDoesNotMatch (the V1 code and text), on GET, PUT and HEAD', async () => {
    const wrong = client({ accessKeySecret: 'not-the-secret' });
    const put = await failure(wrong.put('v4/x', Buffer.from('x')));
    expect(put).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(String((put as { message?: string }).message)).toContain('The request signature we calculated does not match the signature you provided.');
    expect(await failure(wrong.get('v4/x'))).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(await failure(wrong.head('v4/x'))).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(oss.calls.filter((r) => r.method === 'PUT' && r.status === 200 && r.key === 'v4/x')).toEqual([]);
  });

  it('a signature for another region, an unknown key or a missing STS token is refused', async () => {
    expect(await failure(client({ region: 'oss-cn-hangzhou' }).get('v4/x'))).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(await failure(client({ accessKeyId: 'LTAIunknown' }).get('v4/x'))).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
    expect(await failure(client({ accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret }).get('v4/x'))).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
  });

  it('signatureUrlV4 links work until tampered with', async () => {
    await client().put('v4/linked.txt', Buffer.from('linked'));
    const url = await client().signatureUrlV4('GET', 60, undefined, 'v4/linked.txt');
    expect(await fetchSigned(url)).toEqual({ status: 200, body: 'linked' });
    const other = await fetchSigned(url, (u) => new URL(u.href.replace('linked.txt', 'other.txt')));
    expect(other.status).toBe(403);
    expect(other.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    const longer = await fetchSigned(url, (u) => (u.searchParams.set('x-oss-expires', '3600'), u));
    expect(longer.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    const unsigned = await fetchSigned(url, (u) => (u.searchParams.delete('x-oss-signature'), u));
    expect(unsigned).toMatchObject({ status: 400 });
  });
});
