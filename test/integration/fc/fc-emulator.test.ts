import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import FCClient from '@alicloud/fc2';
import { createFcInvoker } from '#shared/cloud/fc/index';
import type { Clock } from '#shared/runtime/clock';
import { startFcEmulator, type FcEmulator } from '#local/fc/fc-emulator';
import type { InvokeMeta } from '#local/fc/async-queue';

const ACCOUNT = '1234567890123456';
const STS = { accessKeyId: 'STS.sandboxKey', accessKeySecret: 'sandbox-secret', securityToken: 'sandbox-token' };

/** A clock whose sleep advances time instantly: retries and event age without waiting. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let t = Date.now();
  return { now: () => new Date(t), sleep: async (ms) => void (t += ms), advance: (ms) => void (t += ms) };
}

describe('FC emulator + fc2 invoker', () => {
  const calls: Array<{ fn: string; payload: string; meta: InvokeMeta }> = [];
  const failures = new Map<string, number>(); // payload → how many attempts fail before success
  const clock = fakeClock();
  let fc: FcEmulator;

  beforeAll(async () => {
    fc = await startFcEmulator({
      accountId: ACCOUNT,
      credentials: [STS, { accessKeyId: 'LTAIplain', accessKeySecret: 'plain-secret' }],
      clock,
      hasFunction: (fn) => fn !== 'missing',
      asyncConfig: (fn) => (fn === 'no-task' ? {} : { asyncTask: true, maxAsyncRetryAttempts: fn === 'two-retries' ? 2 : 3, maxAsyncEventAgeInSeconds: fn === 'short-age' ? 5 : 3600 }),
      retryBaseMs: 4_000,
      invoke: async (fn, payload, meta) => {
        calls.push({ fn, payload, meta });
        const left = failures.get(payload) ?? 0;
        if (left > 0) {
          failures.set(payload, left - 1);
          throw new TypeError(`boom ${left}`);
        }
        return { ok: true, fn, payload };
      },
    });
  });
  afterAll(() => fc.close());

  const invoker = (creds = STS) => createFcInvoker({ accountId: ACCOUNT, region: 'ap-northeast-2', endpoint: fc.url, credentials: () => creds });

  it('queues an async invoke signed by fc2 (version 2023-03-30) and runs it once', async () => {
    const r = await invoker().invokeAsync({ functionName: 'ops-worker', payload: '{"action":"ping"}', taskId: 'push_1' });
    expect(r.duplicate).toBe(false);
    expect(r.requestId).toMatch(/^1-[0-9a-f]+-/);
    await fc.idle();
    const t = fc.tasks().find((x) => x.taskId === 'push_1');
    expect(t).toMatchObject({ functionName: 'ops-worker', status: 'Succeeded', attempts: 1, requestId: r.requestId, source: 'api' });
    expect(calls.filter((c) => c.meta.taskId === 'push_1')).toHaveLength(1);
  });

  it('reports a task id the function already has as duplicate and does not run it again', async () => {
    const inv = invoker();
    await inv.invokeAsync({ functionName: 'ops-worker', payload: '{"n":1}', taskId: 'dup_a' });
    const second = await inv.invokeAsync({ functionName: 'ops-worker', payload: '{"n":2}', taskId: 'dup_a' });
    expect(second).toEqual({ duplicate: true });
    // Per function: the same id on another function is a different task.
    expect((await inv.invokeAsync({ functionName: 'other', payload: '{}', taskId: 'dup_a' })).duplicate).toBe(false);
    await fc.idle();
    expect(fc.tasks().filter((t) => t.taskId === 'dup_a')).toHaveLength(2);
  });

  it('answers a wrong secret with 403 SignatureNotMatch in the FC 3.0 shape; the invoker reports it, not as "network", not retryable', async () => {
    const err = await invoker({ ...STS, accessKeySecret: 'wrong' })
      .invokeAsync({ functionName: 'ops-worker', payload: '{}', taskId: 'bad_sig' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HANDOFF_FAILED', status: 502, retryable: false, details: { fcCode: 'SignatureNotMatch', fcStatus: 403, fcRequestId: expect.stringMatching(/^1-/) } });
    expect((err as Error).message).toBe('async invoke of ops-worker refused by FC: SignatureNotMatch (403)');
    expect(JSON.stringify(err)).not.toContain('wrong');
    const raw = await fetch(`${fc.url}/2023-03-30/functions/ops-worker/invocations`, {
      method: 'POST',
      headers: { authorization: 'FC LTAIplain:AAAA', date: new Date().toUTCString() },
      body: '{}',
    });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toEqual({ Code: 'SignatureNotMatch', Message: expect.stringContaining('does not match'), RequestId: expect.any(String) });
    expect(fc.tasks().some((t) => t.taskId === 'bad_sig')).toBe(false);
  });

  it('maps FC 2.0 {ErrorCode} bodies too, keys "duplicate" on the documented code (not on any 409), retries only throttling/5xx', async () => {
    const once = (status: number, body: unknown) => fc.faults.add({ path: 'invocations', status, body, times: 1 });
    const call = () => invoker().invokeAsync({ functionName: 'ops-worker', payload: '{}', taskId: 'mapped_1' }).catch((e: unknown) => e);
    once(403, { ErrorCode: 'AccessDenied', ErrorMessage: 'no permission' });
    expect(await call()).toMatchObject({ retryable: false, status: 502, details: { fcCode: 'AccessDenied', fcStatus: 403 } });
    once(409, { ErrorCode: 'StatefulAsyncInvocationAlreadyExists', ErrorMessage: 'exists' });
    expect(await call()).toEqual({ duplicate: true });
    once(409, { Code: 'ConcurrentUpdateError', Message: 'busy' });
    expect(await call()).toMatchObject({ code: 'HANDOFF_FAILED', retryable: false, details: { fcCode: 'ConcurrentUpdateError', fcStatus: 409 } });
    once(429, { Code: 'ResourceExhausted', Message: 'too many' });
    expect(await call()).toMatchObject({ retryable: true, status: 503, details: { fcCode: 'ResourceExhausted' } });
    once(503, { ErrorCode: 'ResourceThrottled', ErrorMessage: 'busy' });
    expect(await call()).toMatchObject({ retryable: true, details: { fcCode: 'ResourceThrottled', fcStatus: 503 } });
    once(502, '<html>bad gateway</html>');
    expect(await call()).toMatchObject({ retryable: true, details: { fcCode: 'HTTP 502', fcStatus: 502 } });
  });

  it('rejects an unknown key, a wrong STS token, and a skewed Date', async () => {
    const c = (cfg: Partial<typeof STS>) => invoker({ ...STS, ...cfg }).invokeAsync({ functionName: 'ops-worker', payload: '{}', taskId: 'auth_x' });
    await expect(c({ accessKeyId: 'STS.unknown' })).rejects.toMatchObject({ retryable: false, details: { fcCode: 'InvalidAccessKeyID', fcStatus: 403 } });
    await expect(c({ securityToken: 'stale' })).rejects.toMatchObject({ retryable: false, details: { fcCode: 'AccessDenied', fcStatus: 403 } });
    clock.advance(60 * 60_000);
    try {
      await expect(c({})).rejects.toMatchObject({ details: { fcCode: 'AccessDenied' } });
    } finally {
      clock.advance(-60 * 60_000);
    }
  });

  it('retries a failing async task with retryCount, then succeeds; gives up after maxAsyncRetryAttempts', async () => {
    failures.set('"flaky"', 2);
    failures.set('"broken"', 99);
    const inv = invoker();
    await inv.invokeAsync({ functionName: 'ops-worker', payload: '"flaky"', taskId: 'flaky' });
    await inv.invokeAsync({ functionName: 'two-retries', payload: '"broken"', taskId: 'broken' });
    await fc.idle();
    expect(calls.filter((c) => c.payload === '"flaky"').map((c) => c.meta.retryCount)).toEqual([0, 1, 2]);
    expect(fc.tasks().find((t) => t.taskId === 'flaky')).toMatchObject({ status: 'Succeeded', attempts: 3 });
    expect(fc.tasks().find((t) => t.taskId === 'broken')).toMatchObject({ status: 'Failed', attempts: 3, error: { errorType: 'TypeError' } });
  });

  it('expires a task older than maxAsyncEventAgeInSeconds instead of retrying it', async () => {
    failures.set('"old"', 99);
    await invoker().invokeAsync({ functionName: 'short-age', payload: '"old"', taskId: 'old' });
    await fc.idle();
    // t=0 fails, retry at t=4 s fails, next retry would be at t=12 s > 5 s: dropped.
    expect(fc.tasks().find((t) => t.taskId === 'old')).toMatchObject({ status: 'Expired', attempts: 2 });
  });

  it('serves sync invocations, the task status API, and refuses 2.0 paths and unknown functions', async () => {
    const client = new FCClient(ACCOUNT, { accessKeyID: STS.accessKeyId, accessKeySecret: STS.accessKeySecret, securityToken: STS.securityToken, region: 'ap-northeast-2', endpoint: fc.url });
    client.version = '2023-03-30';
    const sync = await client.post('/functions/ops-worker/invocations', '"hello"', { 'x-fc-invocation-type': 'Sync' });
    expect(JSON.parse(String(sync.data))).toEqual({ ok: true, fn: 'ops-worker', payload: '"hello"' });
    const st = await client.get('/functions/ops-worker/async-tasks/push_1');
    expect(st.data).toMatchObject({ taskId: 'push_1', status: 'Succeeded', alreadyRetriedTimes: 0, functionArn: `acs:fc:ap-northeast-2:${ACCOUNT}:functions/ops-worker` });
    // fc2 only reads the 2.0 `ErrorCode`: against FC 3.0 bodies its errors carry no code, just the status in the message.
    // That is why the product's invoker reads the body itself.
    await expect(client.get('/functions/ops-worker/async-tasks/nope')).rejects.toMatchObject({ code: undefined, message: expect.stringContaining('failed with 404') });
    const raw = async (path: string) => (await fetch(`${fc.url}${path}`)).json();
    expect(await raw('/2023-03-30/functions/missing/invocations')).toMatchObject({ Code: 'MissingRequiredHeader' });
    await expect(client.post('/functions/missing/invocations', '{}', {})).rejects.toMatchObject({ message: expect.stringContaining('failed with 404') });
    client.version = '2016-08-15';
    await expect(client.post('/services/s/functions/ops-worker/invocations', '{}', {})).rejects.toMatchObject({ message: expect.stringContaining('failed with 400') });
  });

  it('requires async task mode for a task id, and maps a connection reset to retryable HANDOFF_FAILED', async () => {
    await expect(invoker().invokeAsync({ functionName: 'no-task', payload: '{}', taskId: 't1' })).rejects.toMatchObject({ details: { fcCode: 'InvalidArgument', fcStatus: 400 } });
    const off = fc.faults.add({ path: 'invocations', reset: true, times: 1 });
    await expect(invoker().invokeAsync({ functionName: 'ops-worker', payload: '{}', taskId: 'reset_1' })).rejects.toMatchObject({ code: 'HANDOFF_FAILED', retryable: true });
    off();
  });
});
