import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '#local/runtime/local-runtime';

/**
 * Hostile input at the local FC runtime's HTTP trigger: bodies over the limit are refused while they stream in (not
 * after buffering them), the async path has FC's 128 KB limit and a bounded queue, bad percent-encoding is a 400.
 */
const fixture = (p: string): string => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const g = globalThis as { __gate?: Promise<void>; __gateOpen?: () => void; __gateSeen?: number[] };
const LIMIT = 256 * 1024;
let rt: LocalRuntime;

beforeAll(async () => {
  // The gate fixture keeps this promise (it only creates one when none is set): async tasks wait until the test opens it.
  g.__gate = new Promise<void>((r) => (g.__gateOpen = r));
  rt = await startLocalRuntime({ sYamlPath: fixture('limits.s.yaml'), port: 0, functionDirs: { gate: fixture('functions/gate') }, maxBodyBytes: LIMIT, maxQueuedPerFunction: 3 });
});
afterAll(async () => {
  g.__gateOpen?.();
  await rt.close();
});

/**
 * POST a chunked body: `chunks` of `size` bytes, then keep the request open (never end it) unless `end`. Resolves with
 * the response, which can only come early if the server answers without waiting for the rest of the body.
 */
function stream(path: string, o: { chunks: number; size: number; end: boolean; headers?: Record<string, string> }): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = request(`${rt.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...o.headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, sent });
      });
    });
    req.on('error', (e) => (sent > 0 ? undefined : reject(e)));
    req.flushHeaders(); // send the headers now, even before (or without) any body
    for (let i = 0; i < o.chunks; i++) {
      req.write(Buffer.alloc(o.size, 0x61));
      sent += o.size;
    }
    if (o.end) req.end();
  });
}

describe('local runtime: hostile bodies and paths', () => {
  it('refuses a chunked body as soon as it passes the limit, while the client is still sending', async () => {
    const seen = (g.__gateSeen ??= []).length;
    const r = await stream('/gate', { chunks: 8, size: 64 * 1024, end: false });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ Code: 'EntityTooLarge', Message: `payload size exceeds maximum allowed size (${LIMIT} bytes)` });
    expect(g.__gateSeen.length).toBe(seen); // the function never ran
  });

  it('refuses a declared Content-Length over the limit before reading any of it', async () => {
    const r = await stream('/gate', { chunks: 0, size: 0, end: false, headers: { 'content-length': String(64 * 1024 * 1024) } });
    expect(r).toMatchObject({ status: 400, body: expect.stringContaining('EntityTooLarge') });
  });

  it('applies FC\'s 128 KB limit to X-Fc-Invocation-Type: Async calls and queues nothing over it', async () => {
    const before = rt.fc.tasks().length;
    const over = await stream('/gate', { chunks: 1, size: 128 * 1024 + 1, end: true, headers: { 'x-fc-invocation-type': 'Async' } });
    expect(over).toMatchObject({ status: 400, body: expect.stringContaining('131072 bytes') });
    expect(rt.fc.tasks().length).toBe(before);
    const exact = await stream('/gate', { chunks: 1, size: 128 * 1024, end: true, headers: { 'x-fc-invocation-type': 'Async' } });
    expect(exact.status).toBe(202);
  });

  it('bounds the async queue: past maxQueuedPerFunction the call gets 429 ResourceExhausted', async () => {
    const async = () => stream('/gate', { chunks: 1, size: 10, end: true, headers: { 'x-fc-invocation-type': 'async' } });
    // One task is already held by the gate (previous test); two more fill the queue of three.
    expect((await async()).status).toBe(202);
    expect((await async()).status).toBe(202);
    const full = await async();
    expect(full.status).toBe(429);
    expect(JSON.parse(full.body)).toMatchObject({ Code: 'ResourceExhausted', RequestId: expect.any(String) });
    g.__gateOpen!();
    await rt.fc.idle();
    expect((await async()).status).toBe(202);
  });

  it('a path that is not valid percent-encoding is a 400, not a 500', async () => {
    const r = await fetch(`${rt.url}/%E0%A4%A/x`, { method: 'POST', body: '{}' });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ Code: 'InvalidArgument' });
  });
});
