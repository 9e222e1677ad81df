import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ecs, { DescribeInvocationResultsRequest, RunCommandRequest } from '@alicloud/ecs20140526';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcsEmulator, type EcsEmulator } from '#local/ecs/index';
import { AK, poll, sdkConfig, sdkError, STS } from './harness';

/**
 * Contract: `@alicloud/ecs20140526` (ACS3-HMAC-SHA256, RPC style: action/version in x-acs-* headers, params in the
 * query) against the ECS Cloud Assistant emulator. Every answer must cast into the SDK's typed model.
 */
let ecs: EcsEmulator;
let backing: string;
const INSTANCE = 'i-contract0001';

beforeAll(async () => {
  backing = mkdtempSync(join(tmpdir(), 'ecs-contract-'));
  ecs = await startEcsEmulator({ credentials: [AK, STS], hosts: [{ instanceId: INSTANCE, mountBackingDir: backing }] });
});
afterAll(async () => {
  await ecs.close();
  rmSync(backing, { recursive: true, force: true });
});

const client = (creds: typeof AK | typeof STS = AK) => new Ecs(sdkConfig(ecs.url, creds));
const run = (c: Ecs, instanceId = INSTANCE) =>
  c.runCommand(new RunCommandRequest({ regionId: 'ap-northeast-2', type: 'RunShellScript', commandContent: 'echo contract-$((40+2))', instanceId: [instanceId], timeout: 30 }));

describe('ECS SDK (ecs20140526) against the Cloud Assistant emulator', () => {
  it('RunCommand then DescribeInvocationResults parse into the typed models', async () => {
    const started = await run(client());
    expect(started.statusCode).toBe(200);
    expect(started.body?.invokeId).toMatch(/^t-/);
    expect(started.body?.commandId).toMatch(/^c-/);
    expect(started.body?.requestId).toEqual(expect.any(String));
    const describe = () =>
      client().describeInvocationResults(new DescribeInvocationResultsRequest({ regionId: 'ap-northeast-2', invokeId: started.body!.invokeId, contentEncoding: 'PlainText' }));
    const res = await poll(describe, (r) => r.body?.invocation?.invocationResults?.invocationResult?.[0]?.invocationStatus === 'Success');
    const row = res.body!.invocation!.invocationResults!.invocationResult![0]!;
    expect(row).toMatchObject({ instanceId: INSTANCE, invokeId: started.body!.invokeId, invocationStatus: 'Success', invokeRecordStatus: 'Finished', exitCode: 0, dropped: 0 });
    expect(row.output).toBe('contract-42\n');
    expect(res.body!.invocation!.totalCount).toBe(1);
  });

  it('signs with STS credentials (x-acs-security-token, x-acs-accesskey-id)', async () => {
    const res = await run(client(STS));
    expect(res.body?.invokeId).toMatch(/^t-/);
    const e = await sdkError(run(client({ ...STS, securityToken: 'CAIS-someone-else' })));
    expect(e).toMatchObject({ name: 'ClientError', code: 'InvalidSecurityToken.MismatchWithAccessKey', statusCode: 400 });
  });

  it('API and gateway errors arrive as typed ClientErrors with the real codes', async () => {
    expect(await sdkError(run(client(), 'i-missing'))).toMatchObject({ name: 'ClientError', code: 'InvalidInstanceId.NotFound', statusCode: 404 });
    const wrong = await sdkError(run(client({ ...AK, accessKeySecret: 'not-the-secret' })));
    expect(wrong).toMatchObject({ name: 'ClientError', code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(wrong.data).toMatchObject({ HostId: 'ecs.aliyuncs.com', RequestId: expect.any(String) });
    expect(await sdkError(run(client({ ...AK, accessKeyId: 'LTAIunknown' })))).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', statusCode: 404 });
  });
});
