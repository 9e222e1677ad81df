import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csProduct, dmProduct, startPopEmulator, type PopEmulator } from '#local/pop/index';
import { acs3Fetch, type RawAcs3 } from './acs3-request';

/**
 * POP gateway checks for signature V3 with hand-signed requests: what an SDK cannot be made to send (a body that
 * differs from x-acs-content-sha256, unsigned x-acs-* headers, missing headers, bad paths) and the STS/clock/nonce rules.
 */
const AK = { accessKeyId: 'LTAI5tAcs3Raw01', secret: 'acs3-raw-secret' };
const STS = { accessKeyId: 'STS.Acs3Raw02', secret: 'acs3-sts-secret', securityToken: 'CAIS-acs3-raw' };
let emu: PopEmulator;
const dm = dmProduct({ senders: ['ops@mail.example.com'] });

beforeAll(async () => {
  emu = await startPopEmulator({
    credentials: [
      { accessKeyId: AK.accessKeyId, accessKeySecret: AK.secret },
      { accessKeyId: STS.accessKeyId, accessKeySecret: STS.secret, securityToken: STS.securityToken },
    ],
    products: [dm, csProduct({ kubeconfig: () => 'kubeconfig', clusters: ['c-1'] })],
  });
});
afterAll(() => emu.close());

const form = 'AccountName=ops%40mail.example.com&AddressType=1&ReplyToAddress=false&ToAddress=a%40example.com&Subject=hi&TextBody=hello';
const mail = (over: Partial<RawAcs3> = {}) =>
  acs3Fetch(emu.url, {
    method: 'POST',
    path: '/',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-acs-action': 'SingleSendMail', 'x-acs-version': '2015-11-23' },
    ...AK,
    ...over,
  });
const kube = (over: Partial<RawAcs3> = {}) => acs3Fetch(emu.url, { path: '/k8s/c-1/user_config', query: { TemporaryDurationMinutes: '15' }, ...AK, ...over });

describe('POP gateway, ACS3-HMAC-SHA256 (raw requests)', () => {
  it('accepts RPC (form body) and ROA requests, with AK and with STS', async () => {
    expect(await mail()).toMatchObject({ status: 200, body: { EnvId: expect.any(String) } });
    expect(await kube({ ...STS })).toMatchObject({ status: 200, body: { config: 'kubeconfig' } });
  });

  it('a body that differs from x-acs-content-sha256 is refused as a signature mismatch, and nothing is sent', async () => {
    const sent = dm.outbox.length;
    const r = await mail({ after: (h) => void (h['x-acs-content-sha256'] = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855') });
    expect(r).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch', Message: expect.stringMatching(/^Specified signature does not match our calculation\. server StringToSign is \[ACS3-HMAC-SHA256\n[0-9a-f]{64}\]$/) } });
    expect(Object.keys(r.body).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
    expect(dm.outbox.length).toBe(sent);
  });

  it('an unsigned x-acs-* header is IncompleteSignature; a missing x-acs-date is MissingParameter', async () => {
    expect(await mail({ after: (h) => void (h['x-acs-extra'] = 'sneaky') })).toMatchObject({ status: 400, body: { Code: 'IncompleteSignature' } });
    expect(await kube({ after: (h) => void delete h['x-acs-date'] })).toMatchObject({ status: 400, body: { Code: 'MissingParameter' } });
  });

  it('stale date, replayed nonce, wrong or missing STS token each get their gateway code', async () => {
    expect(await kube({ date: new Date(Date.now() - 16 * 60_000) })).toMatchObject({ status: 400, body: { Code: 'InvalidTimeStamp.Expired' } });
    expect(await kube({ nonce: 'acs3-replay-1' })).toMatchObject({ status: 200 });
    expect(await kube({ nonce: 'acs3-replay-1' })).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } });
    expect(await kube({ ...STS, securityToken: 'CAIS-other' })).toMatchObject({ status: 400, body: { Code: 'InvalidSecurityToken.MismatchWithAccessKey' } });
    expect(await kube({ accessKeyId: STS.accessKeyId, secret: STS.secret })).toMatchObject({ status: 400, body: { Code: 'MissingSecurityToken' } });
    expect(await kube({ secret: 'wrong' })).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } });
    expect(await kube({ accessKeyId: 'LTAIunknown' })).toMatchObject({ status: 404, body: { Code: 'InvalidAccessKeyId.NotFound' } });
  });

  it('a path that is not valid percent-encoding is a 400, not a 500', async () => {
    const r = await fetch(`${emu.url}/k8s/%E0%A4%A/user_config`);
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ Code: 'InvalidParameter' });
  });
});

describe('POP gateway, ACS3-HMAC-SM3 (raw requests)', () => {
  const sm3 = { algorithm: 'ACS3-HMAC-SM3' as const, contentHeader: 'x-acs-content-sm3' };

  it('accepts RPC and ROA requests with the SM3 digest in x-acs-content-sm3, with AK and with STS', async () => {
    expect(await mail(sm3)).toMatchObject({ status: 200, body: { EnvId: expect.any(String) } });
    expect(await kube({ ...sm3, ...STS })).toMatchObject({ status: 200, body: { config: 'kubeconfig' } });
  });

  it('refuses a wrong secret, a header changed after signing and a body that differs from its digest', async () => {
    const sent = dm.outbox.length;
    const wrong = await mail({ ...sm3, secret: 'wrong' });
    expect(wrong).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch', Message: expect.stringMatching(/server StringToSign is \[ACS3-HMAC-SM3\n[0-9a-f]{64}\]$/) } });
    expect(await kube({ ...sm3, after: (h) => void (h['x-acs-date'] = new Date(Date.now() + 1_000).toISOString().replace(/\.\d+Z$/, 'Z')) })).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } });
    expect(await mail({ ...sm3, after: (h) => void (h['x-acs-content-sm3'] = '0'.repeat(64)) })).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } });
    expect(dm.outbox.length).toBe(sent);
  });
});
