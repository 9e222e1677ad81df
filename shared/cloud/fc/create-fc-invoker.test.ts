import { describe, expect, it } from 'vitest';
import { createFcInvoker } from './create-fc-invoker';

const base = { accountId: '123', region: 'ap-northeast-2', endpoint: 'http://127.0.0.1:9' };
const req = { functionName: 'ops-worker', payload: '{}', taskId: 'push_1' };

describe('createFcInvoker', () => {
  it('rejects task ids FC would refuse, before any request', async () => {
    const fc = createFcInvoker({ ...base, credentials: () => ({ accessKeyId: 'ak', accessKeySecret: 's' }) });
    for (const taskId of ['1starts-with-digit', 'has space', 'x'.repeat(129), '']) {
      await expect(fc.invokeAsync({ ...req, taskId })).rejects.toMatchObject({ code: 'HANDOFF_FAILED', retryable: false });
    }
  });

  it('fails clearly without credentials, and for an STS key without token (never echoing the secret)', async () => {
    await expect(createFcInvoker({ ...base, credentials: () => undefined }).invokeAsync(req)).rejects.toMatchObject({ code: 'HANDOFF_FAILED', message: /no cloud credentials/ });
    const err = await createFcInvoker({ ...base, credentials: () => ({ accessKeyId: 'STS.x', accessKeySecret: 'TOPSECRET' }) })
      .invokeAsync(req)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HANDOFF_FAILED', message: /securityToken/ });
    expect(JSON.stringify(err) + (err as Error).message).not.toContain('TOPSECRET');
  });

  it('reads the credentials on every call (STS rotation)', async () => {
    let calls = 0;
    const fc = createFcInvoker({ ...base, credentials: () => (calls++, undefined) });
    await fc.invokeAsync(req).catch(() => undefined);
    await fc.invokeAsync(req).catch(() => undefined);
    expect(calls).toBe(2);
  });
});
