import { createHash } from 'node:crypto';
import type OSSClient from 'ali-oss';
import { AppError } from '#shared/errors/index';
import type { CloudCredentials } from '#shared/runtime/index';
import type { OssLifecycleRule, OssObjectHead, OssObjectInfo, OssPort } from './oss-port';
import { toOssError } from './to-oss-error';

export interface OssPortOptions {
  bucket: string;
  /** `oss-ap-northeast-2` or `ap-northeast-2` (the `oss-` prefix is added). */
  region: string;
  /** Emulator URL or a custom endpoint; default the region's internal endpoint (FC runs in the VPC). */
  endpoint?: string;
  /** Read on every call: FC's STS keys rotate under a warm instance. */
  credentials: () => CloudCredentials | undefined;
  timeoutMs?: number;
}

type Client = InstanceType<typeof OSSClient>;

/** ali-oss region id (`oss-<region>`). */
export function ossRegion(region: string): string {
  return region.startsWith('oss-') ? region : `oss-${region}`;
}

/**
 * The `oss` port over ali-oss (imported lazily: it is big and only the backup actions use it). A client is built
 * per credential set, so rotated STS keys are picked up and the security token always travels.
 * @example
 * const oss = createOssPort({ bucket: 'gitlab-backups', region: 'ap-northeast-2', credentials: () => creds });
 * const objects = await oss.list('gitlab-backups/');
 */
export function createOssPort(opts: OssPortOptions): OssPort {
  const region = ossRegion(opts.region);
  const endpoint = opts.endpoint ?? `https://${region}-internal.aliyuncs.com`;
  let cached: { id: string; client: Client } | undefined;
  const client = async (): Promise<Client> => {
    const c = opts.credentials();
    if (!c?.accessKeyId || !c.accessKeySecret) {
      throw new AppError('OSS_API', 'no Alibaba Cloud credentials for OSS: give the function a RAM role or set ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET', { status: 500 });
    }
    const id = `${c.accessKeyId}|${c.securityToken ?? ''}`;
    if (cached?.id !== id) {
      const OSS = (await import('ali-oss')).default;
      const sts = c.securityToken;
      const client = new OSS({
        bucket: opts.bucket,
        region,
        endpoint,
        accessKeyId: c.accessKeyId,
        accessKeySecret: c.accessKeySecret,
        ...(sts ? { stsToken: sts, refreshSTSToken: async () => ({ accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, stsToken: sts }), refreshSTSTokenInterval: 3_600_000 } : {}),
        timeout: opts.timeoutMs ?? 60_000,
        secure: endpoint.startsWith('https:'),
      } as OSSClient.Options);
      cached = { id, client };
    }
    return cached.client;
  };
  const call = async <T>(what: string, fn: (c: Client) => Promise<T>): Promise<T> => {
    const c = await client();
    try {
      return await fn(c);
    } catch (e) {
      throw toOssError(e, `OSS ${what} (bucket ${opts.bucket})`);
    }
  };
  const missing = (e: unknown): boolean => (e as { status?: number; code?: string }).status === 404 && (e as { code?: string }).code !== 'NoSuchBucket';
  const headerInfo = (key: string, h: Record<string, string | undefined>): OssObjectHead => ({
    key,
    size: Number(h['content-length'] ?? 0),
    lastModified: new Date(h['last-modified'] ?? 0),
    etag: h.etag ?? '',
    ...(h['x-oss-hash-crc64ecma'] ? { crc64: h['x-oss-hash-crc64ecma'] } : {}),
    meta: Object.fromEntries(Object.entries(h).filter(([k]) => k.startsWith('x-oss-meta-')).map(([k, v]) => [k.slice(11), String(v)])),
  });

  return {
    bucket: opts.bucket,
    list: (prefix) =>
      call(`list ${prefix}`, async (c) => {
        const out: OssObjectInfo[] = [];
        let token: string | undefined;
        do {
          const page = await c.listV2({ prefix, 'max-keys': '1000', ...(token ? { 'continuation-token': token } : {}) } as OSSClient.ListV2ObjectsQuery, {});
          for (const o of page.objects ?? []) out.push({ key: o.name, size: o.size, lastModified: new Date(o.lastModified), etag: o.etag });
          token = page.isTruncated ? (page.nextContinuationToken ?? undefined) : undefined;
        } while (token);
        return out;
      }),
    head: (key) =>
      call(`head ${key}`, async (c) => {
        try {
          const r = await c.head(key);
          return headerInfo(key, (r.res as unknown as { headers: Record<string, string> }).headers);
        } catch (e) {
          if (missing(e)) return undefined;
          throw e;
        }
      }),
    getText: (key) =>
      call(`get ${key}`, async (c) => {
        try {
          return Buffer.from((await c.get(key)).content as Buffer).toString('utf8');
        } catch (e) {
          if (missing(e)) return undefined;
          throw e;
        }
      }),
    sha256: (key) =>
      call(`read ${key}`, async (c) => {
        try {
          const r = await c.getStream(key);
          const h = createHash('sha256');
          for await (const chunk of r.stream as AsyncIterable<Buffer>) h.update(chunk);
          return h.digest('hex');
        } catch (e) {
          if (missing(e)) return undefined;
          throw e;
        }
      }),
    putJson: (key, value) =>
      call(`put ${key}`, async (c) => {
        await c.put(key, Buffer.from(`${JSON.stringify(value, null, 2)}\n`), { mime: 'application/json' } as OSSClient.PutObjectOptions);
      }),
    putJsonIfAbsent: (key, value) =>
      call(`put ${key} (if absent)`, async (c) => {
        try {
          await c.put(key, Buffer.from(`${JSON.stringify(value, null, 2)}\n`), { mime: 'application/json', headers: { 'x-oss-forbid-overwrite': 'true' } } as OSSClient.PutObjectOptions);
          return 'created' as const;
        } catch (e) {
          if ((e as { code?: unknown }).code === 'FileAlreadyExists') return 'exists' as const;
          throw e;
        }
      }),
    delete: (key) =>
      call(`delete ${key}`, async (c) => {
        await c.delete(key);
      }),
    lifecycle: () =>
      call('get lifecycle', async (c) => {
        try {
          const r = await c.getBucketLifecycle(opts.bucket);
          return (r.rules ?? []).map(toRule);
        } catch (e) {
          // "With no rules: 404 NoSuchLifecycle" (GetBucketLifecycle API reference).
          if ((e as { code?: string }).code === 'NoSuchLifecycle') return [];
          throw e;
        }
      }),
  };
}

/** ali-oss parses the XML with lower-cased first letters; values are strings. */
function toRule(r: unknown): OssLifecycleRule {
  const x = r as { id?: string; prefix?: string; status?: string; expiration?: { days?: string | number; createdBeforeDate?: string }; filter?: { prefix?: string } };
  const days = x.expiration?.days === undefined ? undefined : Number(x.expiration.days);
  return {
    id: String(x.id ?? ''),
    prefix: String(x.prefix ?? x.filter?.prefix ?? ''),
    enabled: x.status === 'Enabled',
    ...(days !== undefined && Number.isFinite(days) ? { expirationDays: days } : {}),
    ...(x.expiration?.createdBeforeDate ? { expirationDate: x.expiration.createdBeforeDate } : {}),
  };
}
