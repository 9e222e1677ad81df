import OSS from 'ali-oss';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOssPort } from '#shared/cloud/oss/index';
import { crc64, startOssEmulator, type OssEmulator } from '#local/oss/index';

const STS = { accessKeyId: 'STS.ossTest', accessKeySecret: 'oss-secret', securityToken: 'oss-token' };
const client = (url: string, o: Partial<OSS.Options> = {}) =>
  new OSS({ endpoint: url, region: 'oss-ap-northeast-2', bucket: 'bkt', accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret, stsToken: STS.securityToken, refreshSTSToken: async () => ({ accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret, stsToken: STS.securityToken }), ...o } as OSS.Options);

describe('OSS emulator as ali-oss 6.x sees it', () => {
  let oss: OssEmulator;
  beforeAll(async () => {
    oss = await startOssEmulator({ credentials: [STS], buckets: ['bkt'] });
  });
  afterAll(async () => {
    await oss?.close();
  });

  it('PUT, HEAD (ETag, Content-Length, Last-Modified, CRC64, meta), GET, DELETE round trip; keys with spaces and +', async () => {
    const c = client(oss.url);
    const body = Buffer.from('{"hello":"oss"}');
    await c.put('dir/a b+c.json', body, { headers: { 'x-oss-meta-sha256': 'abc' } } as OSS.PutObjectOptions);
    const h = await c.head('dir/a b+c.json');
    const headers = (h.res as unknown as { headers: Record<string, string> }).headers;
    expect(h.meta).toEqual({ sha256: 'abc' });
    expect(headers).toMatchObject({ 'content-length': String(body.length), 'x-oss-hash-crc64ecma': crc64(body), etag: expect.stringMatching(/^"[0-9A-F]{32}"$/) });
    expect(Date.parse(headers['last-modified']!)).not.toBeNaN();
    expect((await c.get('dir/a b+c.json')).content.toString()).toBe(body.toString());
    await c.delete('dir/a b+c.json');
    await expect(c.get('dir/a b+c.json')).rejects.toMatchObject({ code: 'NoSuchKey', status: 404 });
  });

  it('serves files written straight into the bucket dir (the ossfs mount) and pages ListObjectsV2 with continuation tokens', async () => {
    const dir = join(oss.bucketDir('bkt'), 'mnt');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}.tar`), `x${i}`);
    const first = await client(oss.url).listV2({ prefix: 'mnt/', 'max-keys': '2' } as OSS.ListV2ObjectsQuery, {});
    expect(first.objects.map((o) => o.name)).toEqual(['mnt/f0.tar', 'mnt/f1.tar']);
    expect(first.isTruncated).toBe(true);
    const port = createOssPort({ bucket: 'bkt', region: 'ap-northeast-2', endpoint: oss.url, credentials: () => STS });
    expect((await port.list('mnt/')).map((o) => [o.key, o.size])).toEqual([0, 1, 2, 3, 4].map((i) => [`mnt/f${i}.tar`, 2]));
    expect(await port.head('mnt/f0.tar')).toMatchObject({ size: 2, crc64: crc64(Buffer.from('x0')) });
    expect(await port.head('mnt/none')).toBeUndefined();
    expect(await port.getText('mnt/none')).toBeUndefined();
  });

  it('checks signature v1 and the STS token with OSS error codes', async () => {
    await expect(client(oss.url, { accessKeySecret: 'nope' }).get('x')).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    await expect(client(oss.url, { accessKeyId: 'LTAIunknown' }).get('x')).rejects.toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
    await expect(client(oss.url, { stsToken: 'other-token' }).get('x')).rejects.toMatchObject({ code: 'InvalidSecurityToken', status: 403 });
    await expect(client(oss.url, { bucket: 'nobucket' }).get('x')).rejects.toMatchObject({ code: 'NoSuchBucket', status: 404 });
    // HEAD has no body: the error travels base64 in x-oss-err, which ali-oss decodes (except for 404).
    await expect(client(oss.url, { accessKeySecret: 'nope' }).head('x')).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('the port maps faults: 5xx and resets are retryable OSS_API, 403 is not', async () => {
    const port = createOssPort({ bucket: 'bkt', region: 'ap-northeast-2', endpoint: oss.url, credentials: () => STS, timeoutMs: 2000 });
    const off = oss.faults.add({ reset: true, times: 1 });
    await expect(port.list('')).rejects.toMatchObject({ code: 'OSS_API', retryable: true });
    off();
    oss.faults.add({ status: 500, body: '<Error><Code>InternalError</Code><Message>boom</Message></Error>', headers: { 'content-type': 'application/xml' }, times: 1 });
    await expect(port.getText('x')).rejects.toMatchObject({ code: 'OSS_API', retryable: true, details: { ossCode: 'InternalError', httpStatus: 500 } });
    const bad = createOssPort({ bucket: 'bkt', region: 'ap-northeast-2', endpoint: oss.url, credentials: () => ({ ...STS, accessKeySecret: 'bad' }) });
    await expect(bad.putJson('k.json', {})).rejects.toMatchObject({ code: 'OSS_API', retryable: false, details: { ossCode: 'SignatureDoesNotMatch' } });
  });

  it('bucket lifecycle: NoSuchLifecycle → [], rules written by ali-oss putBucketLifecycle read back through the port', async () => {
    const c = client(oss.url);
    const port = createOssPort({ bucket: 'bkt', region: 'ap-northeast-2', endpoint: oss.url, credentials: () => STS });
    await expect(c.getBucketLifecycle('bkt')).rejects.toMatchObject({ code: 'NoSuchLifecycle', status: 404 });
    expect(await port.lifecycle()).toEqual([]);
    await c.putBucketLifecycle('bkt', [{ id: 'expire', prefix: 'gitlab-backups/', status: 'Enabled', expiration: { days: 30 } }] as unknown as OSS.LifecycleRule[]);
    expect(await port.lifecycle()).toEqual([{ id: 'expire', prefix: 'gitlab-backups/', enabled: true, expirationDays: 30 }]);
    oss.setLifecycle('bkt', [{ id: 'off', prefix: '', enabled: false, days: 1 }]);
    expect(await port.lifecycle()).toEqual([{ id: 'off', prefix: '', enabled: false, expirationDays: 1 }]);
    await c.deleteBucketLifecycle('bkt');
    expect(await port.lifecycle()).toEqual([]);
  });

  it('denials answer authenticated reads with 403 AccessDenied (GET body, HEAD x-oss-err) while listing and writes go on', async () => {
    const port = createOssPort({ bucket: 'bkt', region: 'ap-northeast-2', endpoint: oss.url, credentials: () => STS });
    await port.putJson('d/a.json', { a: 1 });
    const off = oss.denials.track({ methods: ['GET', 'HEAD'], path: '^/bkt/.+' });
    try {
      await expect(port.getText('d/a.json')).rejects.toMatchObject({ code: 'OSS_API', retryable: false, details: { ossCode: 'AccessDenied', httpStatus: 403 } });
      await expect(port.head('d/a.json')).rejects.toMatchObject({ details: { ossCode: 'AccessDenied' } });
      await expect(port.head('d/missing')).rejects.toMatchObject({ details: { ossCode: 'AccessDenied' } });
      expect((await port.list('d/')).map((o) => o.key)).toEqual(['d/a.json']);
      await port.putJson('d/b.json', { b: 2 });
      // Authentication still comes first: a bad signature is SignatureDoesNotMatch, not AccessDenied.
      await expect(client(oss.url, { accessKeySecret: 'nope' }).get('d/a.json')).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    } finally {
      off.remove();
    }
    expect(await port.getText('d/b.json')).toContain('"b": 2');
  });
});

