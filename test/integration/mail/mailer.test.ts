import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRpcClient } from '#shared/cloud/pop/index';
import { isAppError, type AppError } from '#shared/errors/index';
import { clearRegisteredSecrets, memoryLogger, registerSecret } from '#shared/log/index';
import { createMailer, DM_API_VERSION, renderMail, type MailerOptions } from '#shared/mail/index';
import { dmProduct, startPopEmulator, type PopEmulator } from '#local/pop/index';

const AK = { accessKeyId: 'LTAI5tMailKey0001', accessKeySecret: 'mail-secret-0001' };
const FROM = 'ops@mail.example.com';
const fastClock = { now: () => new Date(), sleep: async () => undefined };
const dm = dmProduct({ senders: [FROM] });
let emu: PopEmulator;

beforeAll(async () => {
  emu = await startPopEmulator({ credentials: [AK], products: [dm] });
});
afterAll(() => emu.close());
afterEach(() => {
  emu.faults.clear();
  clearRegisteredSecrets();
});

function mailer(over: Partial<MailerOptions> = {}) {
  const log = memoryLogger();
  const rpc = createRpcClient({ endpoint: emu.url, apiVersion: DM_API_VERSION, credentials: () => AK, retry: { clock: fastClock } });
  return { log, m: createMailer({ rpc, from: FROM, fromAlias: 'GitLab Ops', subjectPrefix: '[gitlab-ask-ops]', to: ['team@example.com'], log, clock: fastClock, ...over }) };
}
const emails = (n: number, start = 0) => Array.from({ length: n }, (_, i) => `dev${start + i}@example.com`);

async function mailError(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  if (!isAppError(e)) throw new Error(`expected AppError, got ${String(e)}`);
  return e;
}

describe('DirectMail mailer against the emulator', () => {
  it('sends a rendered report by POST with the DirectMail params', async () => {
    const mail = renderMail({ title: 'Backup verified 2026-11-28', status: 'ok', summary: '3 backups, 41 GiB', sections: [{ heading: 'Run', rows: { host: 'i-gitlab' } }] });
    const res = await mailer().m.send(mail);
    expect(res).toMatchObject({ sent: true, recipients: 1 });
    expect(res.envIds).toHaveLength(1);
    const last = dm.outbox.at(-1)!;
    expect(last).toMatchObject({ envId: res.envIds[0], accountName: FROM, fromAlias: 'GitLab Ops', to: ['team@example.com'], replyToAddress: 'false' });
    expect(last.subject).toBe('[gitlab-ask-ops] ✅ Backup verified 2026-11-28 — 3 backups, 41 GiB');
    expect(last.htmlBody).toBe(mail.html);
    expect(last.textBody).toBe(mail.text);
    expect(emu.calls.at(-1)).toMatchObject({ action: 'SingleSendMail', method: 'POST', params: { AddressType: '1' } });
  });

  it('splits more than 100 recipients into batches of 100', async () => {
    const before = dm.outbox.length;
    const res = await mailer().m.send({ subject: 'many', text: 'hi', to: emails(250) });
    expect(res.envIds).toHaveLength(3);
    expect(new Set(res.envIds).size).toBe(3);
    expect(dm.outbox.slice(before).map((m) => m.to.length)).toEqual([100, 100, 50]);
    expect(dm.outbox.slice(before).flatMap((m) => m.to)).toEqual(emails(250));
  });

  it('scrubs registered secrets from subject and bodies', async () => {
    registerSecret('glpat-SuperSecretToken123');
    await mailer().m.send({ subject: 'token glpat-SuperSecretToken123 leaked?', html: '<p>glpat-SuperSecretToken123</p>', text: 'x glpat-SuperSecretToken123' });
    const last = dm.outbox.at(-1)!;
    expect(JSON.stringify(last)).not.toContain('SuperSecretToken');
    expect(last.subject).toContain('[REDACTED]');
  });

  it('fits oversized bodies, long subjects and aliases so DirectMail accepts them', async () => {
    const res = await mailer({ fromAlias: 'A very long sender alias' }).m.send({ subject: 'S'.repeat(300), html: '<p>' + 'x'.repeat(200_000) + '</p>', text: 'y'.repeat(200_000) });
    expect(res.truncated).toEqual(['html', 'text']);
    const last = dm.outbox.at(-1)!;
    expect(last.subject.length).toBe(100);
    expect([...last.fromAlias!].length).toBeLessThan(15);
    expect(last.htmlBody).toContain('message truncated');
  });

  it('explains an unverified sender clearly and does not retry it', async () => {
    const before = emu.calls.length;
    const e = await mailError(mailer({ from: 'nobody@mail.example.com', region: 'ap-southeast-1' }).m.send({ subject: 's', text: 't' }));
    expect(e.code).toBe('MAIL');
    expect(e.message).toContain('sender address nobody@mail.example.com is not verified in DirectMail region ap-southeast-1');
    expect(e.details).toMatchObject({ popCode: 'InvalidMailAddress.NotFound' });
    expect(e.retryable).toBe(false);
    expect(emu.calls.length - before).toBe(1);
  });

  it('reports a bad recipient in a later batch with the batches already sent', async () => {
    const e = await mailError(mailer().m.send({ subject: 's', text: 't', to: [...emails(100), 'not-an-address'] }));
    expect(e.message).toMatch(/recipient address was rejected: check MAIL_TO \[InvalidToAddress\] \(batch 2\/2; 1 batch\(es\) already sent\)/);
    expect((e.details?.sentEnvIds as string[]).length).toBe(1);
  });

  it('retries throttling and InternalServiceError, then succeeds', async () => {
    const before = emu.calls.length;
    emu.throttle({ action: 'SingleSendMail', times: 4 });
    emu.faults.add({ path: '^SingleSendMail$', status: 500, body: { Code: 'InternalServiceError', Message: 'Internal server error.' }, times: 1 });
    const { m, log } = mailer();
    await expect(m.send({ subject: 'retry', text: 't' })).resolves.toMatchObject({ sent: true });
    expect(emu.calls.slice(before).map((c) => c.status)).toEqual([400, 400, 400, 400, 500, 200]);
    expect(log.lines.some((l) => l.msg === 'DirectMail busy, retrying')).toBe(true);
  });

  it('serves the outbox as escaped HTML (sandboxed iframe) and JSON, newest first', async () => {
    await mailer().m.send({ subject: '<b>first</b>', html: '<p onclick="x">one</p>', text: 'one' });
    await mailer().m.send({ subject: 'second', text: 'two' });
    const json = (await (await fetch(`${emu.url}/outbox.json`)).json()) as { mails: Array<{ subject: string }> };
    expect(json.mails[0]!.subject).toBe('[gitlab-ask-ops] second');
    const html = await (await fetch(`${emu.url}/outbox`)).text();
    expect(html.indexOf('second')).toBeLessThan(html.indexOf('first'));
    expect(html).toContain('&lt;b&gt;first&lt;/b&gt;');
    expect(html).toContain('<iframe sandbox="" srcdoc="&lt;p onclick=&quot;x&quot;&gt;one&lt;/p&gt;"');
  });
});
