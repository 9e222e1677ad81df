import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import { createMailPort, dmEndpoint } from '#shared/mail/index';
import { createWorkerPorts } from '../../../functions/ops-worker/deps';
import '../../../functions/ops-worker/wiring';
import type { Mailer } from '#shared/mail/index';
import { dmProduct, startPopEmulator, type PopEmulator } from '#local/pop/index';

const AK = { accessKeyId: 'LTAI5tPortKey0001', accessKeySecret: 'port-secret-0001' };
const dm = dmProduct({ senders: ['ops@mail.example.com'] });
let emu: PopEmulator;

beforeAll(async () => {
  emu = await startPopEmulator({ credentials: [AK], products: [dm] });
});
afterAll(() => emu.close());

const port = (env: Record<string, string>) => {
  const log = memoryLogger();
  return { log, mail: createMailPort({ config: loadConfig(env), log, credentials: () => AK }) };
};

describe('mail port', () => {
  it('is skipped, with a reason, when disabled or not configured', async () => {
    const off = port({ MAIL_ENABLED: 'false', MAIL_FROM: 'ops@mail.example.com', MAIL_TO: 'a@example.com' });
    await expect(off.mail.send({ subject: 's', text: 't' })).resolves.toEqual({ sent: false, envIds: [], recipients: 0, skipped: 'MAIL_ENABLED=false' });
    expect(off.log.lines.find((l) => l.msg === 'mail skipped')).toMatchObject({ reason: 'MAIL_ENABLED=false', subject: 's' });
    const none = port({});
    await expect(none.mail.send({ subject: 's', text: 't' })).resolves.toMatchObject({ sent: false, skipped: 'mail not configured: set MAIL_FROM, MAIL_TO' });
  });

  it('sends through DM_ENDPOINT with the configured prefix, alias and recipients', async () => {
    const { mail } = port({ DM_ENDPOINT: emu.url, MAIL_FROM: 'ops@mail.example.com', MAIL_FROM_ALIAS: 'Ops', MAIL_TO: 'a@example.com, b@example.com' });
    await expect(mail.send({ subject: 'hello', text: 't' })).resolves.toMatchObject({ sent: true, recipients: 2 });
    expect(dm.outbox.at(-1)).toMatchObject({ subject: '[gitlab-ask-ops] hello', fromAlias: 'Ops', to: ['a@example.com', 'b@example.com'] });
  });

  it('is wired into the worker ports as `mail`', async () => {
    const log = memoryLogger();
    const ports = createWorkerPorts({ config: loadConfig({}), log, credentials: () => undefined });
    const mail = ports.mail as Mailer;
    await expect(mail.send({ subject: 'x', text: 'y' })).resolves.toMatchObject({ sent: false });
    expect(ports.mail).toBe(mail);
  });

  it('derives public DirectMail endpoints per region', () => {
    expect(dmEndpoint('ap-southeast-1')).toBe('https://dm.ap-southeast-1.aliyuncs.com');
    expect(dmEndpoint('cn-hangzhou')).toBe('https://dm.aliyuncs.com');
  });
});
