import { randomUUID } from 'node:crypto';
import Dm, { DescAccountSummaryRequest, SingleSendMailRequest } from '@alicloud/dm20151123';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectMailEmulator, type DmAccount, type DmMail, type PopEmulator } from '#local/pop/index';
import { AK, sdkConfig, sdkError, STS, withHeaders } from './harness';

/**
 * Contract: `@alicloud/dm20151123` SingleSendMail (ACS3, RPC style, POST with a form body) against the DirectMail
 * emulator, including the gateway's clock-skew and nonce checks.
 */
let dm: PopEmulator & { outbox: DmMail[]; account: DmAccount };
let skewMs = 0;

beforeAll(async () => {
  dm = await startDirectMailEmulator({ credentials: [AK, STS], senders: ['ops@mail.example.com'], now: () => new Date(Date.now() + skewMs) });
});
afterAll(() => dm.close());

const client = (creds: typeof AK | typeof STS = AK) => new Dm(sdkConfig(dm.url, creds));
const mail = (over: Partial<SingleSendMailRequest> = {}) =>
  new SingleSendMailRequest({
    accountName: 'ops@mail.example.com',
    addressType: 1,
    replyToAddress: false,
    toAddress: 'a@example.com,b@example.com',
    subject: '✅ backup ok (2/2) — 100% * done!',
    htmlBody: "<p>it's <b>fine</b> (really) ~ 100%</p>",
    ...over,
  });

describe('DirectMail SDK (dm20151123) against the DirectMail emulator', () => {
  it('SingleSendMail parses into the typed model and lands in the outbox as sent', async () => {
    const res = await client().singleSendMail(mail());
    expect(res.statusCode).toBe(200);
    expect(res.body?.envId).toMatch(/^\d+$/);
    expect(res.body?.requestId).toEqual(expect.any(String));
    expect(dm.outbox.at(-1)).toMatchObject({ envId: res.body!.envId, to: ['a@example.com', 'b@example.com'], subject: '✅ backup ok (2/2) — 100% * done!', replyToAddress: 'false' });
    expect(dm.outbox.at(-1)!.htmlBody).toBe("<p>it's <b>fine</b> (really) ~ 100%</p>");
  });

  it('DescAccountSummary parses into the typed model; an account not in good standing refuses SingleSendMail', async () => {
    const res = await client().descAccountSummary(new DescAccountSummaryRequest({}));
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({ userStatus: 0, dailyQuota: 2000, mailAddresses: 1, ipChannelType: 'normal', requestId: expect.any(String) });
    dm.account.userStatus = 2;
    try {
      expect((await client().descAccountSummary(new DescAccountSummaryRequest({}))).body?.userStatus).toBe(2);
      expect(await sdkError(client().singleSendMail(mail()))).toMatchObject({ name: 'ClientError', code: 'InvalidSendMail.Spam', statusCode: 400 });
    } finally {
      dm.account.userStatus = 0;
    }
  });

  it('works with STS credentials and refuses a foreign token', async () => {
    await expect(client(STS).singleSendMail(mail())).resolves.toMatchObject({ statusCode: 200 });
    expect(await sdkError(client({ ...STS, securityToken: 'CAIS-other' }).singleSendMail(mail()))).toMatchObject({
      code: 'InvalidSecurityToken.MismatchWithAccessKey',
      statusCode: 400,
    });
  });

  it('API errors (unknown sender) and gateway errors (wrong secret) are typed ClientErrors', async () => {
    expect(await sdkError(client().singleSendMail(mail({ accountName: 'nobody@mail.example.com' })))).toMatchObject({
      name: 'ClientError',
      code: 'InvalidMailAddress.NotFound',
      statusCode: 404,
    });
    const e = await sdkError(client({ ...AK, accessKeySecret: 'wrong-secret' }).singleSendMail(mail()));
    expect(e).toMatchObject({ name: 'ClientError', code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(String(e.data.Message)).toContain('ACS3-HMAC-SHA256');
  });

  it('refuses a stale x-acs-date and a reused x-acs-signature-nonce', async () => {
    skewMs = 20 * 60_000;
    try {
      expect(await sdkError(client().singleSendMail(mail()))).toMatchObject({ code: 'InvalidTimeStamp.Expired', statusCode: 400 });
    } finally {
      skewMs = 0;
    }
    const nonce = randomUUID();
    await client().singleSendMailWithOptions(mail(), withHeaders({ 'x-acs-signature-nonce': nonce }));
    const sent = dm.outbox.length;
    expect(await sdkError(client().singleSendMailWithOptions(mail(), withHeaders({ 'x-acs-signature-nonce': nonce })))).toMatchObject({
      code: 'SignatureNonceUsed',
      statusCode: 400,
    });
    expect(dm.outbox.length).toBe(sent);
  });
});
