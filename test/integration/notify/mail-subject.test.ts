import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmProduct, startPopEmulator, type PopEmulator } from '#local/pop/index';
import type { RpcClient } from '#shared/cloud/pop/index';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import { createMailer, createMailPort } from '#shared/mail/index';
import { mailChannel, type NotifyContent } from '#shared/notify/index';

/**
 * The mailer puts MAIL_SUBJECT_PREFIX before the notifier's subject and cuts the whole to DirectMail's 100 chars from
 * the end, where the counts are: the notifier must fit its subject to the room the prefix leaves (ADR 0023).
 */
const AK = { accessKeyId: 'LTAI5tSubjectKey01', accessKeySecret: 'subject-secret-01' };
const FROM = 'ops@mail.example.com';
const PREFIX_40 = '[prod gitlab.example.com ask-ops alerts]';
const content: NotifyContent = {
  action: 'prewarm',
  title: 'ImageCache pre-warm',
  severity: 'warn',
  target: 'platform/backend/services/payments/api-gateway@main',
  counts: '12 created, 3 deleted, 1 failed',
  outcome: 'bad.registry.example/postgres:17 could not be pulled: manifest unknown',
};

describe('mail subjects keep their counts whatever MAIL_SUBJECT_PREFIX is', () => {
  const dm = dmProduct({ senders: [FROM] });
  let emu: PopEmulator;
  beforeAll(async () => {
    emu = await startPopEmulator({ credentials: [AK], products: [dm] });
  });
  afterAll(() => emu.close());

  it('a 40-character prefix (the most the config takes): DirectMail gets prefix, head, target end and counts within 100', async () => {
    expect(PREFIX_40).toHaveLength(40);
    const config = loadConfig({ MAIL_FROM: FROM, MAIL_TO: 'team@example.com', MAIL_SUBJECT_PREFIX: PREFIX_40, DM_ENDPOINT: emu.url });
    const r = await mailChannel(createMailPort({ config, log: memoryLogger('error'), credentials: () => AK })).send(content);
    expect(r).toMatchObject({ channel: 'mail', ok: true });
    const subject = dm.outbox.at(-1)!.subject;
    expect(subject.length).toBeLessThanOrEqual(100);
    // 59 chars left: the outcome goes, the target keeps its end (MIN_PART), the head and the counts stay whole.
    expect(subject).toBe(`${PREFIX_40} ⚠️ WARN prewarm …eway@main: 12 created, 3 deleted, 1 failed`);
  });

  it('a longer prefix is a config error naming the key and the limit', () => {
    expect(() => loadConfig({ MAIL_SUBJECT_PREFIX: `${PREFIX_40}!` })).toThrow(/MAIL_SUBJECT_PREFIX: expected at most 40 characters/);
    expect(loadConfig({}).env.MAIL_SUBJECT_PREFIX).toBe('[gitlab-ask-ops]');
  });

  it('never cuts the counts for any prefix the config takes, any target and outcome (property)', async () => {
    const subjects: string[] = [];
    const rpc: RpcClient = {
      endpoint: 'https://dm.example.invalid',
      apiVersion: '2015-11-23',
      request: async <T,>(_action: string, params?: Record<string, unknown>) => (subjects.push(String(params?.Subject)), { EnvId: 'e' } as T),
    };
    await fc.assert(
      fc.asyncProperty(
        // Every length the config takes, evenly (the long ones are where the mailer's cut used to reach the counts).
        fc.integer({ min: 1, max: 40 }).chain((n) => fc.string({ unit: 'grapheme', minLength: n, maxLength: n }).map((p) => `[${p}`.slice(0, n).trim().replace(/[\uD800-\uDBFF]$/, '') || '[')),
        // size 'max': fast-check's default size keeps strings short, and short subjects never meet a cut.
        fc.string({ unit: 'grapheme', maxLength: 120, size: 'max' }),
        fc.string({ unit: 'grapheme', maxLength: 200, size: 'max' }),
        fc.integer({ min: 0, max: 9999 }),
        async (prefix, target, outcome, n) => {
          const counts = `${n} created, ${n + 1} failed`;
          const mailer = createMailer({ rpc, from: FROM, subjectPrefix: prefix, to: ['team@example.com'], log: memoryLogger('error') });
          const r = await mailChannel(mailer).send({ ...content, target, outcome, counts });
          expect(r.ok).toBe(true);
          const subject = subjects.at(-1)!;
          expect(subject.length).toBeLessThanOrEqual(100);
          expect(subject).toContain(counts);
        },
      ),
    );
  });
});
