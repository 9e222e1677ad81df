import { randomBytes } from 'node:crypto';
import type { StoredObject } from './object-store';

/** An OSS API error: HTTP status, `Code`, `Message`, plus extra elements (e.g. StringToSign, Key). */
export class OssError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OssError';
  }
}

/** Request ids look like `5C3D9175B6FC201293AD4890` (24 upper-case hex). */
export function newOssRequestId(): string {
  return randomBytes(12).toString('hex').toUpperCase();
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The error document OSS returns (help.aliyun.com "OSS error response"): `<Error><Code>…</Code>…</Error>`. */
export function errorXml(e: OssError, requestId: string, hostId: string): string {
  const extra = Object.entries(e.extra).map(([k, v]) => `  <${k}>${xmlEscape(v)}</${k}>\n`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n' +
    `  <Code>${xmlEscape(e.code)}</Code>\n  <Message>${xmlEscape(e.message)}</Message>\n` +
    `  <RequestId>${requestId}</RequestId>\n  <HostId>${xmlEscape(hostId)}</HostId>\n${extra}</Error>\n`
  );
}

/** HTTP date as OSS prints Last-Modified: `Fri, 27 Nov 2026 09:30:00 GMT`. */
export const httpDate = (d: Date): string => d.toUTCString();

/** ListObjectsV2 (`GET /?list-type=2`) result document. */
export function listV2Xml(o: {
  bucket: string;
  prefix: string;
  maxKeys: number;
  contents: StoredObject[];
  truncated: boolean;
  continuationToken?: string;
  nextToken?: string;
}): string {
  const items = o.contents
    .map(
      (c) =>
        `  <Contents>\n    <Key>${xmlEscape(c.key)}</Key>\n    <LastModified>${c.lastModified.toISOString()}</LastModified>\n` +
        `    <ETag>${xmlEscape(c.etag)}</ETag>\n    <Type>Normal</Type>\n    <Size>${c.size}</Size>\n    <StorageClass>Standard</StorageClass>\n  </Contents>\n`,
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult>\n' +
    `  <Name>${xmlEscape(o.bucket)}</Name>\n  <Prefix>${xmlEscape(o.prefix)}</Prefix>\n  <MaxKeys>${o.maxKeys}</MaxKeys>\n` +
    `  <Delimiter></Delimiter>\n  <IsTruncated>${o.truncated}</IsTruncated>\n  <KeyCount>${o.contents.length}</KeyCount>\n` +
    (o.continuationToken ? `  <ContinuationToken>${xmlEscape(o.continuationToken)}</ContinuationToken>\n` : '') +
    (o.nextToken ? `  <NextContinuationToken>${xmlEscape(o.nextToken)}</NextContinuationToken>\n` : '') +
    `${items}</ListBucketResult>\n`
  );
}
