import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '#shared/log/index';
import { createNotifier, slackChannel, type NotifyContent } from '#shared/notify/index';
import { HOOK, simClock, startChannelBed, type ChannelBed } from './channels-harness';

const T0 = new Date('2026-12-01T00:00:00Z');
const clock = simClock(T0);
const content: NotifyContent = { action: 'reconcile', title: 'Reconcile: drift fixed', severity: 'ok', target: 'ops/infra@main:infra', counts: '4 applied', outcome: 'drift fixed', sections: [{ heading: 'What was done', text: 'patch PersistentVolume/nas\n- a\n+ b' }] };

describe('the three channels against their emulators', () => {
  let bed: ChannelBed;
  beforeAll(async () => {
    bed = await startChannelBed(() => clock.now());
  });
  afterAll(() => bed?.close());

  const tell = () => createNotifier({ channels: bed.channels(clock), clock, log: memoryLogger('error'), remindHours: 24, dryRun: false }).notify({ action: 'reconcile', event: true, build: () => content });

  it('one message reaches DirectMail, DingTalk and Slack with the same subject', async () => {
    const before = bed.counts();
    const o = await tell();
    expect(o).toMatchObject({ delivered: true, allFailed: false });
    expect(o.results.map((r) => [r.channel, r.ok])).toEqual([['mail', true], ['dingtalk', true], ['slack', true]]);
    const subject = '✅ OK reconcile ops/infra@main:infra: 4 applied — drift fixed';
    expect(bed.dm.outbox.at(-1)!.subject).toBe(`[gitlab-ask-ops] ${subject}`);
    expect(bed.dingtalk.outbox.at(-1)!.title).toBe(subject);
    expect(bed.slack.outbox.at(-1)!.text).toBe(subject);
    expect(bed.counts()).toEqual({ mail: before.mail + 1, dingtalk: before.dingtalk + 1, slack: before.slack + 1 });
  });

  it('one channel down (DingTalk 503) is logged and does not stop mail and Slack', async () => {
    const before = bed.counts();
    const off = bed.dingtalk.faults.add({ path: '^/robot/send$', status: 503, body: 'down' });
    try {
      const o = await tell();
      expect(o).toMatchObject({ delivered: true, allFailed: false });
      expect(o.results.find((r) => r.channel === 'dingtalk')).toMatchObject({ ok: false, detail: 'DingTalk answered HTTP 503' });
    } finally {
      off();
    }
    expect(bed.counts()).toEqual({ mail: before.mail + 1, dingtalk: before.dingtalk, slack: before.slack + 1 });
  });

  it('Slack answers in plain text: archived channel (410) and a 500 are reported with what to do', async () => {
    bed.slack.archive(HOOK, true);
    const ch = slackChannel({ webhookUrl: `${bed.slack.url}${HOOK}`, clock });
    expect(await ch.send(content)).toMatchObject({ ok: false, detail: expect.stringMatching(/HTTP 410 channel_is_archived.*set SLACK_WEBHOOK_URL/) });
    bed.slack.archive(HOOK, false);
    const off = bed.slack.faults.add({ path: '^/services/', status: 500, body: 'rollup_error', headers: { 'content-type': 'text/html' }, times: 2 });
    expect(await ch.send(content)).toMatchObject({ ok: false, detail: 'Slack refused the message (HTTP 500 rollup_error)' });
    off();
    expect(await slackChannel({ webhookUrl: `${bed.slack.url}/services/T/B/unknown`, clock }).send(content)).toMatchObject({ ok: false, detail: expect.stringContaining('does not know this webhook') });
  });

  it('every channel down: allFailed (the caller decides; a failed backup then fails its invocation)', async () => {
    const offs = [
      bed.dm.faults.add({ path: 'SingleSendMail', status: 503, body: { Code: 'ServiceUnavailable', Message: 'down' } }),
      bed.dingtalk.faults.add({ path: '^/robot/send$', status: 503, body: 'down' }),
      bed.slack.faults.add({ path: '^/services/', status: 500, body: 'rollup_error' }),
    ];
    try {
      expect(await tell()).toMatchObject({ told: true, delivered: false, allFailed: true });
    } finally {
      for (const off of offs) off();
    }
  });
});

describe('secrets never leave in a message', () => {
  it('a registered secret inside the content reaches no channel', async () => {
    const { clearRegisteredSecrets, registerSecret } = await import('#shared/log/index');
    const bed = await startChannelBed(() => clock.now());
    registerSecret('glpat-leaky-token-123456');
    try {
      const leaky = { ...content, outcome: 'token glpat-leaky-token-123456 refused', sections: [{ heading: 'x', text: 'GITLAB_TOKEN=glpat-leaky-token-123456' }] };
      await createNotifier({ channels: bed.channels(clock), clock, log: memoryLogger('error'), remindHours: 24, dryRun: false }).notify({ action: 'reconcile', event: true, build: () => leaky });
      const all = JSON.stringify([bed.dm.outbox, bed.dingtalk.outbox, bed.slack.outbox]);
      expect(bed.counts()).toEqual({ mail: 1, dingtalk: 1, slack: 1 });
      expect(all).not.toContain('glpat-leaky-token-123456');
      expect(all).toContain('[REDACTED]');
    } finally {
      clearRegisteredSecrets();
      await bed.close();
    }
  });
});
