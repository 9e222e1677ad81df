import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A raw HTTP answer: status, lower-case headers, and the body text (cut at `maxBodyBytes`). */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * POST `body` to `url` with exactly `headers` (already signed) and read the answer, bounded in time and size. No
 * retries: the caller decides. Rejects with the socket/timeout error (no HTTP answer at all).
 */
export function postRaw(url: string, headers: Record<string, string>, body: Buffer, o: { timeoutMs: number; maxBodyBytes?: number }): Promise<RawResponse> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const max = o.maxBodyBytes ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    const req = send(u, { method: 'POST', headers, timeout: o.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < max) chunks.push(c.subarray(0, max - size));
        size += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${o.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}
