import type { RequestOptions, ClientRequest, IncomingMessage } from 'node:http';

type Send = (url: URL, o: RequestOptions, cb: (res: IncomingMessage) => void) => ClientRequest;
let transports: Promise<{ http: Send; https: Send }> | undefined;
/**
 * node:http/https on first use: loading them costs the webhook's cold start ~5 ms (net, stream, tls), and most
 * deliveries that need no hand-off (401, 202 "not acted on") never pay it (docs/adr/0015-cold-start.md).
 */
function loadTransports(): Promise<{ http: Send; https: Send }> {
  transports ??= Promise.all([import('node:http'), import('node:https')]).then(([h, s]) => ({ http: h.request as Send, https: s.request as Send }));
  return transports;
}

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
export async function postRaw(url: string, headers: Record<string, string>, body: Buffer, o: { timeoutMs: number; maxBodyBytes?: number }): Promise<RawResponse> {
  const u = new URL(url);
  const t = await loadTransports();
  const send = u.protocol === 'https:' ? t.https : t.http;
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
