import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '#local/runtime/local-runtime';
import { timerEvent } from '#local/runtime/timers';

const fixture = (p: string): string => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));

/** Raw request so header case and repeated headers reach the server exactly as written. */
function rawRequest(url: string, method: string, headers: Array<[string, string]>, body?: Buffer): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const all: Array<[string, string]> = [['Host', new URL(url).host], ...headers, ...(body ? [['Content-Length', String(body.length)] as [string, string]] : [])];
    const req = request(url, { method, headers: all.flat() as unknown as Record<string, string> }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('local FC runtime', () => {
  let rt: LocalRuntime;
  beforeAll(async () => {
    rt = await startLocalRuntime({
      sYamlPath: fixture('s.yaml'),
      port: 0,
      timers: false,
      env: { FIXTURE_GREETING: 'hi from sandbox' },
      functionDirs: { echo: fixture('functions/echo'), flaky: fixture('functions/echo') },
      retryBaseMs: 1,
    });
  });
  afterAll(() => rt.close());

  it('builds the FC 3.0 HTTP event: Buffer, case-kept headers, comma-joined repeats, query, requestContext', async () => {
    const res = await rawRequest(`${rt.url}/echo/hooks/a%20b?x=1&x=2&y=z`, 'POST', [['X-Gitlab-Token', 's3cret'], ['X-Dup', 'a'], ['x-dup', 'b'], ['Content-Type', 'application/json']], Buffer.from('{"k":1}'));
    expect(res.status).toBe(200);
    expect(res.headers['x-echo']).toBe('yes');
    const out = JSON.parse(res.body.toString('utf8'));
    expect(out.isBuffer).toBe(true);
    expect(out.event).toMatchObject({
      version: 'v1',
      rawPath: '/hooks/a%20b',
      body: '{"k":1}',
      isBase64Encoded: false,
      headers: { 'X-Gitlab-Token': 's3cret', 'X-Dup': 'a,b', 'Content-Type': 'application/json' },
      queryParameters: { x: '1,2', y: 'z' },
      requestContext: { accountId: '1234567890123456', http: { method: 'POST', path: '/hooks/a b', sourceIp: '127.0.0.1' } },
    });
    expect(out.event.requestContext.requestId).toBe(res.headers['x-fc-request-id']);
    expect(out.context).toMatchObject({ function: { name: 'echo', memory: 256, timeout: 5 }, region: 'ap-northeast-2', credentials: { accessKeyId: rt.credentials.accessKeyId } });
    // s.yaml env (with ${env()} and ${vars}) reached process.env before the handler's first import.
    expect(out).toMatchObject({ greeting: 'hi from sandbox', region: 'prefix-ap-northeast-2' });
  });

  it('base64-encodes binary bodies and decodes base64 responses', async () => {
    const bin = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const res = await rawRequest(`${rt.url}/echo/`, 'POST', [['Content-Type', 'application/octet-stream']], bin);
    const ev = JSON.parse(res.body.toString('utf8')).event;
    expect(ev).toMatchObject({ isBase64Encoded: true, body: bin.toString('base64') });
    const b = await rawRequest(`${rt.url}/echo/bin`, 'GET', []);
    expect(b.status).toBe(201);
    expect([...b.body]).toEqual([0, 1, 2, 255]);
  });

  it('maps handler errors, disallowed methods and unknown paths', async () => {
    const t = await rawRequest(`${rt.url}/echo/throw`, 'GET', []);
    expect(t.status).toBe(502);
    expect(t.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(JSON.parse(t.body.toString())).toMatchObject({ errorType: 'RangeError', errorMessage: 'fixture failure' });
    expect((await rawRequest(`${rt.url}/echo/`, 'DELETE', [])).status).toBe(405);
    expect((await rawRequest(`${rt.url}/flaky`, 'GET', [])).status).toBe(404);
  });

  it('delivers timer events through the async queue with the function\'s retry policy and timeout', async () => {
    expect(rt.timers.map((t) => [t.functionName, t.triggerName, t.schedule])).toEqual([['flaky', 'nightly', { kind: 'cron', pattern: '0 0 3 * * *', timezone: 'Asia/Seoul' }]]);
    const ok = rt.fc.enqueue('flaky', timerEvent('nightly', new Date(), '{"action":"ping"}'), { source: 'timer' });
    const bad = rt.fc.enqueue('flaky', timerEvent('fail', new Date(), ''), { source: 'timer' });
    await rt.fc.idle();
    expect(ok).toMatchObject({ status: 'Succeeded', attempts: 1 });
    expect((ok.result as { statusCode: number }).statusCode).toBe(200);
    // maxAsyncRetryAttempts comes from ${vars.retries} = 1: two attempts, then Failed.
    expect(bad).toMatchObject({ status: 'Failed', attempts: 2, error: { errorType: 'RangeError' } });
  });

  it('queues an HTTP trigger call that asks for async invocation', async () => {
    const res = await rawRequest(`${rt.url}/echo/x`, 'POST', [['X-Fc-Invocation-Type', 'Async']], Buffer.from('{}'));
    expect(res.status).toBe(202);
    await rt.fc.idle();
    expect(rt.fc.tasks().filter((t) => t.source === 'http')).toHaveLength(1);
  });
});
