import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Faults } from '#local/sandbox/faults';
import { listen, readBody } from '#local/sandbox/http-util';
import { lifecycleRoute, lifecycleXml, listPage, type LifecycleRuleSpec } from './bucket-config';
import { BucketStore } from './object-store';
import { verifyOssRequest, type OssCredential } from './oss-signature';
import { errorXml, httpDate, listV2Xml, newOssRequestId, OssError } from './oss-xml';

export interface OssEmulatorOptions {
  port?: number;
  credentials: OssCredential[];
  buckets: string[];
  /** Parent of the bucket directories (`<dataDir>/<bucket>`); default a new temp dir, removed on close. */
  dataDir?: string;
  /** Region used in HostId (`<bucket>.oss-<region>.aliyuncs.com`). */
  region?: string;
  now?: () => Date;
}

/** One served call, for assertions (no secrets recorded). */
export interface OssCallRecord {
  method: string;
  bucket: string;
  key: string;
  status: number;
  code?: string;
}

export interface OssEmulator {
  url: string;
  close(): Promise<void>;
  /** Raw faults, answered before authentication (status codes, latency, resets). */
  faults: Faults;
  /**
   * Authorization faults, matched after a request authenticated: a matching rule answers 403 AccessDenied in OSS's
   * error shape, as when the caller's RAM policy lacks the action (e.g. GET/HEAD of objects = no oss:GetObject).
   */
  denials: Faults;
  /** Set (or with undefined remove) a bucket's lifecycle rules, as the console would. */
  setLifecycle(bucket: string, rules: LifecycleRuleSpec[] | undefined): void;
  /** Directory holding the bucket's objects as files (point the ECS emulator's ossfs mount here). */
  bucketDir(bucket: string): string;
  calls: OssCallRecord[];
}

/**
 * OSS emulator for the object calls we use, as ali-oss 6.x makes them against an IP endpoint (virtual-host style:
 * the bucket comes from the Host header `<bucket>.oss-<region>.aliyuncs.com`, the path is the key): ListObjectsV2,
 * HEAD/GET/PUT/DELETE object, Get/Put/DeleteBucketLifecycle, signature V1 and V4 (header and URL) verified, OSS XML errors (HEAD errors in
 * `x-oss-err`, base64 XML); `denials` answers AccessDenied for calls a RAM policy would refuse.
 *
 * @example
 * const oss = await startOssEmulator({ credentials: [sts], buckets: ['gitlab-backups'] });
 * const client = new OSS({ endpoint: oss.url, region: 'oss-ap-northeast-2', bucket: 'gitlab-backups', ...keys });
 */
export async function startOssEmulator(opts: OssEmulatorOptions): Promise<OssEmulator> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'oss-emu-'));
  const region = opts.region ?? 'oss-ap-northeast-2';
  const creds = new Map(opts.credentials.map((c) => [c.accessKeyId, c]));
  const stores = new Map(opts.buckets.map((b) => [b, new BucketStore(b, join(dataDir, b), join(dataDir, '.oss-meta', b))]));
  const faults = new Faults();
  const denials = new Faults();
  const lifecycles = new Map<string, string>();
  const calls: OssCallRecord[] = [];
  const now = opts.now ?? (() => new Date());

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://oss.local');
    const key = decodeURIComponent(url.pathname.slice(1));
    const host = String(req.headers.host ?? '');
    const bucket = /\.oss-/.test(host) ? host.split('.')[0]! : '';
    const requestId = newOssRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    const record = (status: number, code?: string): void => {
      calls.push({ method, bucket, key, status, ...(code ? { code } : {}) });
    };
    if (await faults.apply(req, res, `/${bucket}/${key}`)) return record(res.statusCode || 0, 'Fault');
    const body = await readBody(req);
    try {
      const store = stores.get(bucket);
      if (!store) throw new OssError(404, 'NoSuchBucket', 'The specified bucket does not exist.', { BucketName: bucket });
      verifyOssRequest(method, req.headers, `/${bucket}/${key}`, url.searchParams, creds, now(), region.replace(/^oss-/, ''));
      // A real RAM message names the denied action; the exact text is UNCONFIRMED.
      if (denials.match(method, `/${bucket}/${key}`)) throw new OssError(403, 'AccessDenied', 'You have no right to access this object because of the RAM policy.', { Key: key });
      const base = { 'x-oss-request-id': requestId, server: 'AliyunOSS', date: httpDate(now()) };
      if (!key && url.searchParams.has('lifecycle')) {
        const r = lifecycleRoute(lifecycles, bucket, method, body);
        res.writeHead(r.status, { ...base, ...(r.xml ? { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(r.xml)) } : { 'content-length': '0' }) });
        res.end(r.xml ?? '');
        return record(r.status);
      }
      if (!key) {
        if (method !== 'GET' || url.searchParams.get('list-type') !== '2') throw new OssError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
        const l = listPage(store.keys(), url.searchParams);
        const page = l.page.map((k) => store.stat(k)).filter((o) => o !== undefined);
        const last = page.at(-1)?.key;
        const xml = listV2Xml({ bucket, prefix: l.prefix, maxKeys: l.maxKeys, contents: page, truncated: l.truncated, ...(l.token ? { continuationToken: l.token } : {}), ...(l.truncated && last ? { nextToken: Buffer.from(last).toString('base64') } : {}) });
        res.writeHead(200, { ...base, 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(xml)) });
        res.end(xml);
        return record(200);
      }
      if (method === 'PUT') {
        const md5 = req.headers['content-md5'];
        if (md5 && createHash('md5').update(body).digest('base64') !== md5) throw new OssError(400, 'InvalidDigest', 'The Content-MD5 you specified is not valid.');
        const meta = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('x-oss-meta-')).map(([k, v]) => [k.slice(11), String(v)]));
        // https://help.aliyun.com/en/oss/user-guide/0026-00000002: a create-only PUT of an existing key is 409.
        if (String(req.headers['x-oss-forbid-overwrite']).toLowerCase() === 'true' && store.stat(key)) throw new OssError(409, 'FileAlreadyExists', 'The object you specified already exists and can not be overwritten.', { Key: key });
        const o = store.write(key, body, String(req.headers['content-type'] ?? 'application/octet-stream'), meta);
        res.writeHead(200, { ...base, etag: o.etag, 'x-oss-hash-crc64ecma': o.crc64, 'content-length': '0' });
        res.end();
        return record(200);
      }
      if (method === 'DELETE') {
        store.remove(key);
        res.writeHead(204, base);
        res.end();
        return record(204);
      }
      if (method !== 'GET' && method !== 'HEAD') throw new OssError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      const o = store.stat(key);
      if (!o) throw new OssError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
      const headers = {
        ...base,
        'content-type': o.contentType,
        'content-length': String(o.size),
        etag: o.etag,
        'last-modified': httpDate(o.lastModified),
        'x-oss-object-type': 'Normal',
        'x-oss-storage-class': 'Standard',
        'x-oss-hash-crc64ecma': o.crc64,
        'accept-ranges': 'bytes',
        ...Object.fromEntries(Object.entries(o.meta).map(([k, v]) => [`x-oss-meta-${k}`, v])),
      };
      res.writeHead(200, headers);
      if (method === 'HEAD') res.end();
      else res.end(store.read(key) ?? Buffer.alloc(0));
      return record(200);
    } catch (e) {
      if (!(e instanceof OssError)) throw e;
      const xml = errorXml(e, requestId, `${bucket || 'oss'}.${region}.aliyuncs.com`);
      const headers: Record<string, string> = { 'x-oss-request-id': requestId, server: 'AliyunOSS', 'content-type': 'application/xml', 'x-oss-ec': '0000-00000000' };
      // A HEAD answer has no body, so OSS puts the error document base64-encoded in `x-oss-err` (ali-oss reads it).
      if (method === 'HEAD') {
        res.writeHead(e.httpStatus, { ...headers, 'x-oss-err': Buffer.from(xml).toString('base64') });
        res.end();
      } else {
        res.writeHead(e.httpStatus, { ...headers, 'content-length': String(Buffer.byteLength(xml)) });
        res.end(xml);
      }
      record(e.httpStatus, e.code);
    }
  };

  const server = await listen(handle, opts.port ?? 0);
  return {
    url: server.url,
    faults,
    denials,
    setLifecycle: (b, rules) => void (rules ? lifecycles.set(b, lifecycleXml(rules)) : lifecycles.delete(b)),
    calls,
    bucketDir: (b) => {
      const s = stores.get(b);
      if (!s) throw new Error(`no emulated bucket ${b}`);
      return s.dir;
    },
    close: async () => {
      await server.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
