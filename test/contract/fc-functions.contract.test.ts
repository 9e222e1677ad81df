import Fc, { GetAsyncInvokeConfigRequest, GetFunctionRequest, ListTriggersRequest } from '@alicloud/fc20230330';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFcEmulator, type FcEmulator } from '#local/fc/fc-emulator';
import type { FunctionDescription } from '#local/fc/function-api';
import { sdkConfig, sdkError, STS } from './harness';

/**
 * Contract: the official FC 3.0 SDK (@alicloud/fc20230330) reads what `ops doctor` and `ops status` ask of FC —
 * GetFunction, GetAsyncInvokeConfig, ListTriggers, GetTrigger — from the emulator, parsed into its models.
 */
const ACCOUNT = '1234567890123456';
const worker: FunctionDescription = {
  functionName: 'ops-worker', runtime: 'nodejs20', handler: 'index.handler', timeout: 18000, memorySize: 1024,
  role: `acs:ram::${ACCOUNT}:role/gitlab-ask-ops-fc`, environmentVariables: { LOG_LEVEL: 'info' },
  logConfig: { project: 'gitlab-ask-ops', logstore: 'functions' },
  asyncInvokeConfig: { asyncTask: true, maxAsyncRetryAttempts: 2, maxAsyncEventAgeInSeconds: 21600 },
  triggers: [
    { triggerName: 'nightly-backup', triggerType: 'timer', triggerConfig: { cronExpression: 'CRON_TZ=Asia/Seoul 0 0 3 * * *', enable: true, payload: '{"action":"backup"}' } },
    { triggerName: 'hourly-reconcile', triggerType: 'timer', triggerConfig: { cronExpression: '0 20 * * * *', enable: true, payload: '{"action":"reconcile"}' } },
  ],
};
const webhook: FunctionDescription = {
  functionName: 'gitlab-webhook', runtime: 'nodejs20', handler: 'index.handler', timeout: 10, memorySize: 256, environmentVariables: {},
  triggers: [{ triggerName: 'gitlab', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['POST'] }, urlInternet: 'https://gitlab-w-abc.ap-northeast-2.fcapp.run', urlIntranet: 'https://gitlab-w-abc.ap-northeast-2-vpc.fcapp.run' }],
};
let fc: FcEmulator;

beforeAll(async () => {
  const fns: Record<string, FunctionDescription> = { 'ops-worker': worker, 'gitlab-webhook': webhook, bare: { ...webhook, functionName: 'bare', triggers: [] } };
  fc = await startFcEmulator({ accountId: ACCOUNT, credentials: [STS], hasFunction: (fn) => fn in fns, describe: (fn) => fns[fn], invoke: async () => null });
});
afterAll(() => fc.close());
const client = () => new Fc(sdkConfig(fc.url, STS));

describe('FC 3.0 SDK reads functions, async configs and triggers from the FC emulator', () => {
  it('GetFunction parses into Function: runtime, handler, limits, role, logConfig, arn, state', async () => {
    const f = (await client().getFunction('ops-worker', new GetFunctionRequest({}))).body!;
    expect(f).toMatchObject({ functionName: 'ops-worker', runtime: 'nodejs20', handler: 'index.handler', timeout: 18000, memorySize: 1024, role: worker.role, state: 'Active' });
    expect(f.functionArn).toBe(`acs:fc:ap-northeast-2:${ACCOUNT}:functions/ops-worker`);
    expect(f.logConfig).toMatchObject({ project: 'gitlab-ask-ops', logstore: 'functions' });
  });

  it('GetAsyncInvokeConfig parses into AsyncConfig; a function without one is a 404', async () => {
    const a = (await client().getAsyncInvokeConfig('ops-worker', new GetAsyncInvokeConfigRequest({}))).body!;
    expect(a).toMatchObject({ asyncTask: true, maxAsyncRetryAttempts: 2, maxAsyncEventAgeInSeconds: 21600, functionArn: `acs:fc:ap-northeast-2:${ACCOUNT}:functions/ops-worker` });
    const e = await sdkError(client().getAsyncInvokeConfig('bare', new GetAsyncInvokeConfigRequest({})));
    expect(e).toMatchObject({ statusCode: 404, code: 'AsyncConfigNotExists' });
  });

  it('ListTriggers pages with limit/nextToken; triggerConfig is a JSON string; an HTTP trigger carries its URLs', async () => {
    const first = (await client().listTriggers('ops-worker', new ListTriggersRequest({ limit: 1 }))).body!;
    expect(first.triggers).toHaveLength(1);
    expect(first.nextToken).toBeTruthy();
    const second = (await client().listTriggers('ops-worker', new ListTriggersRequest({ limit: 1, nextToken: first.nextToken! }))).body!;
    expect([first.triggers![0]!.triggerName, second.triggers![0]!.triggerName]).toEqual(['hourly-reconcile', 'nightly-backup']);
    expect(second.nextToken).toBeFalsy();
    expect(JSON.parse(second.triggers![0]!.triggerConfig!)).toMatchObject({ cronExpression: 'CRON_TZ=Asia/Seoul 0 0 3 * * *', enable: true });
    const http = (await client().getTrigger('gitlab-webhook', 'gitlab')).body!;
    expect(http).toMatchObject({ triggerType: 'http', httpTrigger: { urlInternet: 'https://gitlab-w-abc.ap-northeast-2.fcapp.run', urlIntranet: 'https://gitlab-w-abc.ap-northeast-2-vpc.fcapp.run' } });
    expect(await sdkError(client().getTrigger('gitlab-webhook', 'nope'))).toMatchObject({ statusCode: 404, code: 'TriggerNotFound' });
    expect(await sdkError(client().getFunction('missing', new GetFunctionRequest({})))).toMatchObject({ statusCode: 404, code: 'FunctionNotFound' });
  });
});
