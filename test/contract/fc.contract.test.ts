import { Readable } from 'node:stream';
import Fc, { GetAsyncTaskRequest, InvokeFunctionHeaders, InvokeFunctionRequest, ListAsyncTasksRequest } from '@alicloud/fc20230330';
import * as $dara from '@darabonba/typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFcEmulator, type FcEmulator } from '#local/fc/fc-emulator';
import { AK, readText, sdkConfig, sdkError, STS } from './harness';

/**
 * Contract: `@alicloud/fc20230330` (ACS3, ROA 2023-03-30) against the FC emulator: async InvokeFunction with a task
 * id, GetAsyncTask and ListAsyncTasks parsed into AsyncTask / ListAsyncTaskOutput, sync invoke, FC 3.0 errors.
 */
const ACCOUNT = '1234567890123456';
let fc: FcEmulator;

beforeAll(async () => {
  fc = await startFcEmulator({
    accountId: ACCOUNT,
    region: 'ap-northeast-2',
    credentials: [AK, STS],
    hasFunction: (fn) => fn !== 'missing',
    asyncConfig: () => ({ asyncTask: true, maxAsyncRetryAttempts: 0 }),
    invoke: async (_fn, payload) => {
      if (payload.includes('"fail"')) throw new TypeError('handler failed on purpose');
      return { ok: true, echo: JSON.parse(payload) as unknown };
    },
  });
});
afterAll(() => fc.close());

const client = (creds: typeof AK | typeof STS = STS) => new Fc(sdkConfig(fc.url, creds));
const asyncInvoke = (c: Fc, fn: string, taskId: string, body: string) =>
  c.invokeFunctionWithOptions(
    fn,
    new InvokeFunctionRequest({ body: Readable.from(Buffer.from(body)) }),
    new InvokeFunctionHeaders({ xFcInvocationType: 'Async', xFcAsyncTaskId: taskId }),
    new $dara.RuntimeOptions({}),
  );

describe('FC 3.0 SDK (fc20230330) against the FC emulator', () => {
  it('InvokeFunction Async with x-fc-async-task-id answers 202 and names the task', async () => {
    const res = await asyncInvoke(client(), 'ops-worker', 'contract_ok_1', '{"action":"ping"}');
    expect(res.statusCode).toBe(202);
    expect(res.headers?.['x-fc-async-task-id']).toBe('contract_ok_1');
    expect(res.headers?.['x-fc-request-id']).toMatch(/^1-/);
    await fc.idle();
  });

  it('GetAsyncTask parses into AsyncTask with the documented fields and statuses', async () => {
    await asyncInvoke(client(), 'ops-worker', 'contract_fail_1', '{"action":"fail"}');
    await fc.idle();
    const ok = (await client().getAsyncTask('ops-worker', 'contract_ok_1', new GetAsyncTaskRequest({}))).body!;
    expect(ok).toMatchObject({ taskId: 'contract_ok_1', status: 'Succeeded', qualifier: 'LATEST', alreadyRetriedTimes: 0 });
    expect(ok.functionArn).toBe(`acs:fc:ap-northeast-2:${ACCOUNT}:functions/ops-worker`);
    expect(ok.requestId).toMatch(/^1-/);
    expect(typeof ok.startedTime).toBe('number');
    expect(ok.endTime).toBeGreaterThanOrEqual(ok.startedTime!);
    expect(ok.durationMs).toBe(ok.endTime! - ok.startedTime!);
    expect(JSON.parse(ok.returnPayload!)).toEqual({ ok: true, echo: { action: 'ping' } });
    expect(ok.events?.map((e) => e.status)).toEqual(['Enqueued', 'Dequeued', 'Running', 'Succeeded']);
    expect(ok.events?.every((e) => typeof e.eventId === 'number' && typeof e.timestamp === 'number')).toBe(true);
    const bad = (await client().getAsyncTask('ops-worker', 'contract_fail_1', new GetAsyncTaskRequest({}))).body!;
    expect(bad).toMatchObject({ status: 'Failed', taskErrorMessage: 'UnhandledInvocationError' });
  });

  it('ListAsyncTasks filters by prefix and status, pages with limit/nextToken, and includes payloads on request', async () => {
    for (const i of [1, 2, 3]) await asyncInvoke(client(), 'ops-worker', `contract_page_${i}`, `{"n":${i}}`);
    await fc.idle();
    const list = (over: Partial<ListAsyncTasksRequest>) => client().listAsyncTasks('ops-worker', new ListAsyncTasksRequest({ prefix: 'contract_page_', ...over }));
    const p1 = (await list({ limit: 2, sortOrderByTime: 'asc' })).body!;
    expect(p1.tasks?.map((t) => t.taskId)).toEqual(['contract_page_1', 'contract_page_2']);
    expect(p1.tasks?.[0]?.taskPayload).toBeUndefined();
    expect(p1.nextToken).toEqual(expect.any(String));
    const p2 = (await list({ limit: 2, sortOrderByTime: 'asc', nextToken: p1.nextToken! })).body!;
    expect(p2.tasks?.map((t) => t.taskId)).toEqual(['contract_page_3']);
    expect(p2.nextToken ?? '').toBe('');
    const withPayload = (await list({ limit: 1, sortOrderByTime: 'desc', includePayload: true })).body!;
    expect(withPayload.tasks?.[0]).toMatchObject({ taskId: 'contract_page_3', taskPayload: '{"n":3}' });
    const failed = (await client().listAsyncTasks('ops-worker', new ListAsyncTasksRequest({ status: 'Failed' }))).body!;
    expect(failed.tasks?.map((t) => t.taskId)).toEqual(['contract_fail_1']);
  });

  it('a sync invoke returns the function result as the body stream', async () => {
    const res = await client().invokeFunction('ops-worker', new InvokeFunctionRequest({ body: Readable.from(Buffer.from('{"sync":true}')) }));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(await readText(res.body))).toEqual({ ok: true, echo: { sync: true } });
  });

  it('errors come back in the FC 3.0 shape {Code, Message, RequestId} and parse into typed ClientErrors', async () => {
    const missing = await sdkError(client().getAsyncTask('missing', 'x', new GetAsyncTaskRequest({})));
    expect(missing).toMatchObject({ name: 'ClientError', code: 'FunctionNotFound', statusCode: 404 });
    expect(missing.data).toEqual({ Code: 'FunctionNotFound', Message: expect.any(String), RequestId: expect.stringMatching(/^1-/) });
    expect(await sdkError(client().getAsyncTask('ops-worker', 'nope', new GetAsyncTaskRequest({})))).toMatchObject({ statusCode: 404 });
    expect(await sdkError(asyncInvoke(client({ ...STS, accessKeySecret: 'wrong' }), 'ops-worker', 'contract_sig', '{}'))).toMatchObject({
      code: 'SignatureNotMatch',
      statusCode: 403,
    });
    expect(await sdkError(asyncInvoke(client({ ...AK, accessKeyId: 'LTAInope' }), 'ops-worker', 'contract_ak', '{}'))).toMatchObject({
      code: 'InvalidAccessKeyID',
      statusCode: 403,
    });
    expect(await sdkError(asyncInvoke(client(), 'ops-worker', 'contract_ok_1', '{}'))).toMatchObject({ statusCode: 409 });
    expect(await sdkError(asyncInvoke(client(), 'ops-worker', '9starts-with-digit', '{}'))).toMatchObject({ code: 'InvalidArgument', statusCode: 400 });
  });
});
