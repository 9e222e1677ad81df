import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRpcClient } from '#shared/cloud/pop/index';
import { isAppError } from '#shared/errors/index';
import { DM_BODY_LIMIT_BYTES, dmProduct, startPopEmulator, type PopEmulator } from '#local/pop/index';

const AK = { accessKeyId: 'LTAI5tDmKey0001', accessKeySecret: 'dm-secret-0001' };
const dm = dmProduct({ senders: ['ops@mail.example.com', 'frozen@mail.example.com'], frozenSenders: ['frozen@mail.example.com'] });
let emu: PopEmulator;

beforeAll(async () => {
  emu = await startPopEmulator({ credentials: [AK], products: [dm] });
});
afterAll(() => emu.close());

const base = { AccountName: 'ops@mail.example.com', AddressType: '1', ReplyToAddress: 'false', ToAddress: 'a@example.com', Subject: 'hi', TextBody: 'body' };
const send = (over: Record<string, unknown>) =>
  createRpcClient({ endpoint: emu.url, apiVersion: '2015-11-23', credentials: () => AK, retry: false })
    .request<{ EnvId: string }>('SingleSendMail', { ...base, ...over }, { method: 'POST' })
    .then(
      (r) => ({ ok: r.EnvId }),
      (e: unknown) => ({ code: isAppError(e) ? e.details?.popCode : String(e), status: isAppError(e) ? e.details?.httpStatus : undefined }),
    );

describe('DirectMail SingleSendMail emulation', () => {
  it('accepts a valid mail and returns an EnvId', async () => {
    const r = await send({});
    expect(r).toMatchObject({ ok: expect.stringMatching(/^\d{18,}$/) });
    expect(dm.outbox.at(-1)).toMatchObject({ to: ['a@example.com'], textBody: 'body' });
  });

  it.each([
    ['unknown sender', { AccountName: 'x@mail.example.com' }, 'InvalidMailAddress.NotFound', 404],
    ['frozen sender', { AccountName: 'frozen@mail.example.com' }, 'InvalidMailAddressStatus.Malformed', 400],
    ['101 recipients', { ToAddress: Array.from({ length: 101 }, (_, i) => `u${i}@example.com`).join(',') }, 'InvalidToAddress', 400],
    ['malformed recipient', { ToAddress: 'a@example.com,not-mail' }, 'InvalidToAddress', 400],
    ['over-long recipient', { ToAddress: 'a'.repeat(190) + '@example.com' }, 'EmailLengthError', 400],
    ['subject over 100 chars', { Subject: 's'.repeat(101) }, 'InvalidSubject.Malformed', 400],
    ['no body', { TextBody: undefined }, 'InvalidBody', 400],
    ['body over 80K', { HtmlBody: 'x'.repeat(DM_BODY_LIMIT_BYTES + 1) }, 'InvalidBody', 400],
    ['alias of 15 chars', { FromAlias: 'a'.repeat(15) }, 'InvalidFromAlias.Malformed', 400],
    ['missing ToAddress', { ToAddress: undefined }, 'MissingParameter', 400],
    ['ReplyToAddress not a string boolean', { ReplyToAddress: 'no' }, 'InvalidParameter', 400],
  ])('rejects %s', async (_name, over, code, status) => {
    const clean = Object.fromEntries(Object.entries({ ...base, ...over }).filter(([, v]) => v !== undefined));
    const n = dm.outbox.length;
    const r = await createRpcClient({ endpoint: emu.url, apiVersion: '2015-11-23', credentials: () => AK, retry: false })
      .request('SingleSendMail', clean, { method: 'POST' })
      .then(() => ({}), (e: unknown) => (isAppError(e) ? e.details : {}));
    expect(r).toMatchObject({ popCode: code, httpStatus: status });
    expect(dm.outbox.length).toBe(n);
  });

  it('accepts exactly 100 recipients and a 14-char alias', async () => {
    const r = await send({ ToAddress: Array.from({ length: 100 }, (_, i) => `u${i}@example.com`).join(','), FromAlias: 'a'.repeat(14) });
    expect(r).toHaveProperty('ok');
  });
});
