import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailSenderCheck } from '#shared/backup/index';
import { runChecks } from '#shared/checks/index';
import { createRpcClient } from '#shared/cloud/pop/index';
import { memoryLogger } from '#shared/log/index';
import { createMailer, createSkippingMailer } from '#shared/mail/index';
import { startDirectMailEmulator, type DmMail, type PopEmulator } from '#local/pop/index';

const STS = { accessKeyId: 'STS.mailSender', accessKeySecret: 'mail-sender-secret', securityToken: 'mail-sender-token' };

describe('the preflight\'s DirectMail sender check (QueryMailAddressByParam through pop-core)', () => {
  let dm: PopEmulator & { outbox: DmMail[] };
  beforeAll(async () => {
    dm = await startDirectMailEmulator({ credentials: [STS], senders: ['ops@mail.example.com'], frozenSenders: ['old@mail.example.com'] });
  });
  afterAll(async () => {
    await dm?.close();
  });
  const mailer = (from: string) => createMailer({ rpc: createRpcClient({ endpoint: dm.url, apiVersion: '2015-11-23', credentials: () => STS, retry: false }), from, to: ['team@example.com'], region: 'ap-southeast-1', log: memoryLogger('error') });
  const check = async (m: Parameters<typeof mailSenderCheck>[0]) => (await runChecks([mailSenderCheck(m)]))[0]!;

  it('a configured sender is ok; the call is read-only (no mail in the outbox)', async () => {
    expect(await mailer('ops@mail.example.com').senderStatus!()).toEqual({ kind: 'checked', address: 'ops@mail.example.com', region: 'ap-southeast-1', found: true, accountStatus: '0', domainStatus: '0' });
    expect(await check(mailer('ops@mail.example.com'))).toMatchObject({ id: 'mail.sender', service: 'directmail', status: 'ok', detail: 'ops@mail.example.com is a usable sender in DirectMail ap-southeast-1' });
    expect(dm.outbox).toEqual([]);
    expect(dm.calls.map((c) => c.action)).toEqual(['QueryMailAddressByParam', 'QueryMailAddressByParam']);
  });

  it('an unknown sender and a frozen one fail with what to do', async () => {
    expect(await check(mailer('nobody@mail.example.com'))).toMatchObject({ status: 'failed', detail: 'nobody@mail.example.com is not a sender address in DirectMail ap-southeast-1', fix: expect.stringContaining('create and verify nobody@mail.example.com in the DirectMail console of ap-southeast-1') });
    expect(await check(mailer('old@mail.example.com'))).toMatchObject({ status: 'failed', detail: expect.stringContaining('is frozen'), fix: expect.stringContaining('unfreeze') });
  });

  it('DirectMail down is a failed check (not a crash); mail turned off is skipped', async () => {
    const off = dm.faults.add({ status: 503, body: { Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.' } });
    try {
      expect(await check(mailer('ops@mail.example.com'))).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^DirectMail did not answer: .*ServiceUnavailable/) });
    } finally {
      off();
    }
    expect(await check(createSkippingMailer(memoryLogger('error'), 'MAIL_ENABLED=false'))).toMatchObject({ status: 'skipped', detail: 'mail is off: MAIL_ENABLED=false' });
  });
});
