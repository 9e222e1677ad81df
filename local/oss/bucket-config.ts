import { OssError, xmlEscape } from './oss-xml';

/** A lifecycle rule as the emulator keeps it (the subset GetBucketLifecycle returns that can delete objects). */
export interface LifecycleRuleSpec {
  id: string;
  prefix: string;
  enabled?: boolean;
  /** Expire objects this many days after their last modification. */
  days: number;
}

/** Render rules as OSS's `LifecycleConfiguration` document (GetBucketLifecycle API reference). */
export function lifecycleXml(rules: readonly LifecycleRuleSpec[]): string {
  const body = rules
    .map((r) => `  <Rule>\n    <ID>${xmlEscape(r.id)}</ID>\n    <Prefix>${xmlEscape(r.prefix)}</Prefix>\n    <Status>${r.enabled === false ? 'Disabled' : 'Enabled'}</Status>\n    <Expiration>\n      <Days>${r.days}</Days>\n    </Expiration>\n  </Rule>\n`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<LifecycleConfiguration>\n${body}</LifecycleConfiguration>\n`;
}

/**
 * The `?lifecycle` sub-resource of a bucket: GET answers the stored document or 404 NoSuchLifecycle ("With no rules:
 * 404 NoSuchLifecycle", GetBucketLifecycle API reference); PUT stores the document ali-oss `putBucketLifecycle`
 * sends; DELETE removes it (204). Rules are kept as the XML the client sent, so what it reads back is what it wrote.
 */
export function lifecycleRoute(store: Map<string, string>, bucket: string, method: string, body: Buffer): { status: number; xml?: string } {
  if (method === 'GET') {
    const xml = store.get(bucket);
    // The code is documented; the message text is UNCONFIRMED.
    if (!xml) throw new OssError(404, 'NoSuchLifecycle', 'No Row found in Lifecycle Table.', { BucketName: bucket });
    return { status: 200, xml };
  }
  if (method === 'PUT') {
    const text = body.toString('utf8');
    if (!/<LifecycleConfiguration>[\s\S]*<Rule>[\s\S]*<\/LifecycleConfiguration>/.test(text)) throw new OssError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    store.set(bucket, text);
    return { status: 200 };
  }
  if (method === 'DELETE') {
    store.delete(bucket);
    return { status: 204 };
  }
  throw new OssError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
}

/** ListObjectsV2 parameters → the page to answer (keys after the continuation token or start-after). */
export function listPage(keys: readonly string[], q: URLSearchParams): { prefix: string; maxKeys: number; token: string; page: string[]; truncated: boolean } {
  const prefix = q.get('prefix') ?? '';
  const maxKeys = Math.min(1000, Number(q.get('max-keys') ?? 100) || 100);
  const token = q.get('continuation-token') ?? '';
  const after = token ? Buffer.from(token, 'base64').toString('utf8') : (q.get('start-after') ?? '');
  const all = keys.filter((k) => k.startsWith(prefix) && k > after);
  return { prefix, maxKeys, token, page: all.slice(0, maxKeys), truncated: all.length > maxKeys };
}
