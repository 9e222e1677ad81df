import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Dm, { SingleSendMailRequest } from '@alicloud/dm20151123';
import Ecs, { RunCommandRequest } from '@alicloud/ecs20140526';
import Fc, { InvokeFunctionRequest } from '@alicloud/fc20230330';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcsEmulator, type EcsEmulator } from '#local/ecs/index';
import { startFcEmulator, type FcEmulator } from '#local/fc/fc-emulator';
import { startDirectMailEmulator, type DmMail, type PopEmulator } from '#local/pop/index';
import { AK, readText, sdkConfig, sdkError, STS } from './harness';

/**
 * Contract: the official SDKs with their optional `signatureAlgorithm` (@alicloud/openapi-core `Config`), everything
 * else default. `ACS3-HMAC-SM3` must be accepted by every ACS3 emulator (ECS RPC query, DirectMail RPC form body, FC
 * ROA stream body) and refused for a wrong secret; `ACS3-RSA-SHA256` is refused as a method the emulators cannot
 * verify (no public key; ADR 0017).
 */
const SM3 = 'ACS3-HMAC-SM3';
type Creds = { accessKeyId: string; accessKeySecret: string; securityToken?: string };
const config = (url: string, creds: Creds, signatureAlgorithm: string) => Object.assign(sdkConfig(url, creds), { signatureAlgorithm });
let ecs: EcsEmulator;
let dm: PopEmulator & { outbox: DmMail[] };
let fc: FcEmulator;
let backing: string;

beforeAll(async () => {
  backing = mkdtempSync(join(tmpdir(), 'sigalg-contract-'));
  ecs = await startEcsEmulator({ credentials: [AK, STS], hosts: [{ instanceId: 'i-sigalg0001', mountBackingDir: backing }] });
  dm = await startDirectMailEmulator({ credentials: [AK, STS], senders: ['ops@mail.example.com'] });
  fc = await startFcEmulator({ accountId: '1234567890123456', region: 'ap-northeast-2', credentials: [AK, STS], hasFunction: () => true, invoke: async (_fn, payload) => ({ echo: payload }) });
});
afterAll(async () => {
  await Promise.all([ecs.close(), dm.close(), fc.close()]);
  rmSync(backing, { recursive: true, force: true });
});

const run = (creds: Creds, alg = SM3) =>
  new Ecs(config(ecs.url, creds, alg)).runCommand(new RunCommandRequest({ regionId: 'ap-northeast-2', type: 'RunShellScript', commandContent: 'echo sm3', instanceId: ['i-sigalg0001'] }));
const mail = (creds: Creds) =>
  new Dm(config(dm.url, creds, SM3)).singleSendMail(new SingleSendMailRequest({ accountName: 'ops@mail.example.com', addressType: 1, replyToAddress: false, toAddress: 'a@example.com', subject: 'sm3 (100%) *', textBody: "it's ~ fine" }));
const invoke = (creds: Creds, alg = SM3) => new Fc(config(fc.url, creds, alg)).invokeFunction('fn', new InvokeFunctionRequest({ body: Readable.from(Buffer.from('{"n":1}')) }));

describe('official SDKs with signatureAlgorithm ACS3-HMAC-SM3', () => {
  it('ECS RunCommand (RPC, params in the query) succeeds with AK and STS keys', async () => {
    expect((await run(AK)).body?.invokeId).toMatch(/^t-/);
    expect((await run(STS)).body?.invokeId).toMatch(/^t-/);
  });

  it('DirectMail SingleSendMail (RPC, form body hashed with SM3) succeeds and lands in the outbox', async () => {
    const res = await mail(AK);
    expect(res.body?.envId).toMatch(/^\d+$/);
    expect(dm.outbox.at(-1)).toMatchObject({ envId: res.body!.envId, subject: 'sm3 (100%) *' });
  });

  it('FC InvokeFunction (ROA, stream body) succeeds', async () => {
    const res = await invoke(STS);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(await readText(res.body))).toEqual({ echo: '{"n":1}' });
  });

  it('a wrong secret gets each product’s signature error', async () => {
    const sent = dm.outbox.length;
    const e = await sdkError(run({ ...AK, accessKeySecret: 'not-the-secret' }));
    expect(e).toMatchObject({ name: 'ClientError', code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(String(e.data.Message)).toMatch(/server StringToSign is \[ACS3-HMAC-SM3\n[0-9a-f]{64}\]$/);
    expect(await sdkError(mail({ ...AK, accessKeySecret: 'not-the-secret' }))).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(dm.outbox.length).toBe(sent);
    expect(await sdkError(invoke({ ...STS, accessKeySecret: 'not-the-secret' }))).toMatchObject({ code: 'SignatureNotMatch', statusCode: 403 });
    expect(await sdkError(run({ ...STS, securityToken: 'CAIS-someone-else' }))).toMatchObject({ code: 'InvalidSecurityToken.MismatchWithAccessKey' });
  });
});

describe('official SDKs with signatureAlgorithm ACS3-RSA-SHA256', () => {
  it('is refused as a signature method the emulators cannot verify (they hold no public key)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // The SDK wraps the secret in "-----BEGIN PRIVATE KEY-----" (PKCS#8) unless it already is one.
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
    expect(await sdkError(run({ ...AK, accessKeySecret: pem }, 'ACS3-RSA-SHA256'))).toMatchObject({ name: 'ClientError', code: 'InvalidSignatureMethod', statusCode: 400 });
    expect(await sdkError(invoke({ ...AK, accessKeySecret: pem }, 'ACS3-RSA-SHA256'))).toMatchObject({ code: 'InvalidArgument', statusCode: 400 });
  });
});
