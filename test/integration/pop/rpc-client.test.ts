import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRpcClient, type RpcClient } from '#shared/cloud/pop/index';
import { isAppError, type AppError } from '#shared/errors/index';
import type { CloudCredentials } from '#shared/runtime/index';
import { PopError, popTimestamp, rpcSignature, startPopEmulator, type PopEmulator } from '#local/pop/index';

const AK = { accessKeyId: 'LTAI5tTestKey0001', accessKeySecret: 'right-secret-0001' };
const STS = { accessKeyId: 'STS.NUTestKey0002', accessKeySecret: 'sts-secret-0002', securityToken: 'CAIS-sts-token-0002' };
const fastClock = { now: () => new Date(), sleep: async () => undefined };

let emu: PopEmulator;
let shift = 0;

beforeAll(async () => {
  emu = await startPopEmulator({
    credentials: [AK, STS],
    now: () => new Date(Date.now() + shift),
    products: [
      {
        name: 'ecs',
        version: '2014-05-26',
        actions: {
          Echo: (params) => ({ Params: params }),
          DescribeNothing: () => {
            throw new PopError(404, 'InvalidInstanceId.NotFound', 'The specified InstanceId does not exist.');
          },
          Boom: () => {
            throw new PopError(500, 'InternalError', 'The request processing has failed due to some unknown error.');
          },
        },
      },
    ],
  });
});
afterAll(() => emu.close());

const client = (creds: () => CloudCredentials | undefined, retry: false | object = { clock: fastClock }): RpcClient =>
  createRpcClient({ endpoint: emu.url, apiVersion: '2014-05-26', credentials: creds, retry: retry as false });

async function popError(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  if (!isAppError(e)) throw new Error(`expected AppError, got ${String(e)}`);
  return e;
}

describe('POP RPC client against the signed emulator', () => {
  it('signs GET requests the emulator accepts, flattening arrays to Key.N', async () => {
    const out = await client(() => AK).request<{ Params: Record<string, string>; RequestId: string }>('Echo', { Name: "a b!*'()é", InstanceId: ['i-1', 'i-2'] });
    expect(out.Params).toEqual({ Name: "a b!*'()é", 'InstanceId.1': 'i-1', 'InstanceId.2': 'i-2' });
    expect(out.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('sends POST as a signed form body (large params)', async () => {
    const big = '<p>' + 'x&y=z '.repeat(20_000) + '</p>';
    const out = await client(() => AK).request<{ Params: Record<string, string> }>('Echo', { HtmlBody: big }, { method: 'POST' });
    expect(out.Params.HtmlBody).toBe(big);
    expect(emu.calls.at(-1)).toMatchObject({ action: 'Echo', method: 'POST', status: 200 });
  });

  it('wrong secret → POP_API SignatureDoesNotMatch (400), message free of secrets and the string to sign', async () => {
    const e = await popError(client(() => ({ ...AK, accessKeySecret: 'wrong-secret' })).request('Echo', {}));
    expect(e.code).toBe('POP_API');
    expect(e.details).toMatchObject({ popCode: 'SignatureDoesNotMatch', httpStatus: 400 });
    expect(e.details?.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('Specified signature is not matched');
    expect(e.message).not.toMatch(/string to sign|wrong-secret|Signature=|AccessKeyId/);
    expect(e.cause).toBeUndefined();
  });

  it('unknown AccessKeyId → InvalidAccessKeyId.NotFound (404)', async () => {
    const e = await popError(client(() => ({ accessKeyId: 'LTAI-nobody', accessKeySecret: 'x' })).request('Echo', {}));
    expect(e.details).toMatchObject({ popCode: 'InvalidAccessKeyId.NotFound', httpStatus: 404 });
  });

  it('a Timestamp more than 15 minutes off → InvalidTimeStamp.Expired', async () => {
    shift = 16 * 60_000;
    try {
      const e = await popError(client(() => AK).request('Echo', {}));
      expect(e.details).toMatchObject({ popCode: 'InvalidTimeStamp.Expired', httpStatus: 400 });
    } finally {
      shift = 0;
    }
    shift = 14 * 60_000;
    await expect(client(() => AK).request('Echo', {})).resolves.toBeTruthy();
    shift = 0;
  });

  it('a replayed SignatureNonce → SignatureNonceUsed (raw request)', async () => {
    const params: Record<string, string> = {
      Action: 'Echo', Version: '2014-05-26', Format: 'JSON', AccessKeyId: AK.accessKeyId, SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0', SignatureNonce: 'fixed-nonce-1', Timestamp: popTimestamp(new Date()),
    };
    params.Signature = rpcSignature('GET', params, AK.accessKeySecret);
    const url = `${emu.url}/?${new URLSearchParams(params).toString()}`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    const second = await fetch(url);
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ Code: 'SignatureNonceUsed', Message: 'Specified signature nonce was used already.', HostId: 'ecs.aliyuncs.com' });
  });

  it('missing Action/Version and unknown actions answer like the gateway', async () => {
    const noAction = await fetch(`${emu.url}/?Version=2014-05-26`);
    expect([noAction.status, ((await noAction.json()) as { Code: string }).Code]).toEqual([400, 'MissingParameter']);
    const e = await popError(client(() => AK).request('NoSuchAction', {}));
    expect(e.details).toMatchObject({ popCode: 'InvalidApi.NotFound', httpStatus: 404 });
  });

  it('STS keys: token required and must match; credentials are read per call (rotation)', async () => {
    let creds: CloudCredentials = { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret };
    const c = client(() => creds);
    expect((await popError(c.request('Echo', {}))).details).toMatchObject({ popCode: 'MissingSecurityToken' });
    creds = { ...STS, securityToken: 'CAIS-someone-elses' };
    expect((await popError(c.request('Echo', {}))).details).toMatchObject({ popCode: 'InvalidSecurityToken.MismatchWithAccessKey' });
    creds = STS;
    await expect(c.request('Echo', {})).resolves.toMatchObject({ Params: {} });
    expect(emu.calls.at(-1)?.accessKeyId).toBe(STS.accessKeyId);
  });

  it('throttling is retried with backoff, then succeeds', async () => {
    const before = emu.calls.length;
    emu.throttle({ action: 'Echo', times: 2 });
    await expect(client(() => AK).request('Echo', { N: '1' })).resolves.toMatchObject({ Params: { N: '1' } });
    expect(emu.calls.slice(before).map((c) => c.status)).toEqual([400, 400, 200]);
  });

  it('throttling past the attempt budget surfaces as a retryable POP_API error', async () => {
    const remove = emu.throttle({ action: 'Echo', status: 503 });
    try {
      const e = await popError(client(() => AK, { attempts: 2, clock: fastClock }).request('Echo', {}));
      expect(e.details).toMatchObject({ popCode: 'Throttling.User', httpStatus: 503 });
      expect(e.retryable).toBe(true);
    } finally {
      remove();
    }
  });

  it('server errors are retryable but retried only for idempotent calls', async () => {
    const before = emu.calls.length;
    const e = await popError(client(() => AK).request('Boom', {}));
    expect(e).toMatchObject({ retryable: true, details: { popCode: 'InternalError', httpStatus: 500 } });
    expect(emu.calls.length - before).toBe(1);
    await popError(client(() => AK).request('Boom', {}, { idempotent: true }));
    expect(emu.calls.length - before).toBe(4);
  });

  it('API errors are not retryable; connection resets are (network)', async () => {
    const e = await popError(client(() => AK).request('DescribeNothing', {}, { idempotent: true }));
    expect(e).toMatchObject({ retryable: false, details: { popCode: 'InvalidInstanceId.NotFound', httpStatus: 404 } });
    emu.faults.add({ path: '^Echo$', reset: true, times: 1 });
    await expect(client(() => AK).request('Echo', {}, { idempotent: true })).resolves.toMatchObject({ Params: {} });
    emu.faults.add({ path: '^Echo$', reset: true, times: 1 });
    const n = await popError(client(() => AK, false).request('Echo', {}));
    expect(n).toMatchObject({ retryable: true, details: { network: true } });
    expect(n.message).not.toContain('Signature=');
  });

  it('a non-JSON answer (a proxy error page) is a retryable POP_API error', async () => {
    emu.faults.add({ path: '^Echo$', status: 502, body: '<html><body>502 Bad Gateway</body></html>', headers: { 'content-type': 'text/html' }, times: 1 });
    const e = await popError(client(() => AK, false).request('Echo', {}));
    expect(e).toMatchObject({ code: 'POP_API', retryable: true });
    expect(e.message).toMatch(/non-JSON/);
  });

  it('integers beyond 2^53 come back as exact decimal strings, not BigNumber objects', async () => {
    emu.faults.add({ path: '^Echo$', status: 200, body: '{"RequestId":"R1","TotalSize":123456789012345678901,"Small":7}', times: 1 });
    await expect(client(() => AK).request('Echo', {})).resolves.toEqual({ RequestId: 'R1', TotalSize: '123456789012345678901', Small: 7 });
  });

  it('no credentials → a clear POP_API error without calling out', async () => {
    const e = await popError(client(() => undefined).request('Echo', {}));
    expect(e.message).toMatch(/no Alibaba Cloud credentials/);
  });
});
