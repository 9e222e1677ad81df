import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '#shared/log/index';
import { dingtalkChannel, type NotifyContent } from '#shared/notify/index';
import { startDingtalkEmulator, type DingtalkEmulator } from '#local/dingtalk/dingtalk-emulator';
import { ROBOT, simClock } from './channels-harness';

const T0 = new Date('2026-12-01T00:00:00Z');
const msg = (i: number): NotifyContent => ({ action: 'prewarm', title: 'ImageCache pre-warm', severity: 'ok', target: `demo/p${i}`, counts: `${i} created`, outcome: 'caches Ready', sections: [{ heading: 'What was done', rows: [['cache', `gao-${i}`]] }] });

let dt: DingtalkEmulator | undefined;
afterEach(async () => {
  await dt?.close();
  dt = undefined;
});

/** A robot whose clock is the test's, and a channel signing with the same clock (or `skewMs` off it). */
async function setup(o: { secret?: string; skewMs?: number; url?: (u: string) => string } = {}) {
  const clock = simClock(T0);
  dt = await startDingtalkEmulator({ robots: [ROBOT], now: () => new Date(clock.now().getTime() + (o.skewMs ?? 0)) });
  const url = `${dt.url}/robot/send?access_token=${ROBOT.accessToken}`;
  const ch = dingtalkChannel({ webhookUrl: o.url ? o.url(url) : url, secret: o.secret ?? ROBOT.secret, clock, log: memoryLogger('error') });
  return { clock, ch, dt };
}

describe('DingTalk custom robot channel against the robot emulator', () => {
  it('signs (timestamp + sign) and sends markdown the robot accepts', async () => {
    const { ch, dt } = await setup();
    expect(await ch.send(msg(1))).toEqual({ channel: 'dingtalk', ok: true });
    expect(dt.outbox).toHaveLength(1);
    expect(dt.outbox[0]).toMatchObject({ msgtype: 'markdown', title: '✅ OK prewarm demo/p1: 1 created — caches Ready', at: T0.toISOString() });
    expect(dt.outbox[0]!.text).toContain('### ✅ OK prewarm demo/p1');
    expect(dt.outbox[0]!.text).toContain('- **cache**: gao-1');
  });

  it('a wrong secret is errcode 310000: reported as a failure that says what to fix (errcode, not errmsg, is judged)', async () => {
    const { ch, dt } = await setup({ secret: 'SECwrong' });
    const r = await ch.send(msg(1));
    expect(r).toMatchObject({ channel: 'dingtalk', ok: false, detail: expect.stringMatching(/errcode 310000: sign not match.*check DINGTALK_SECRET/) });
    expect(dt.outbox).toHaveLength(0);
    expect(r.detail).not.toContain(ROBOT.accessToken);
  });

  it('a clock more than an hour off is errcode 310000 invalid timestamp', async () => {
    const { ch } = await setup({ skewMs: 2 * 3_600_000 });
    expect(await ch.send(msg(1))).toMatchObject({ ok: false, detail: expect.stringContaining('errcode 310000: invalid timestamp') });
  });

  it('an unknown access_token is refused (errcode 300001) with a hint at DINGTALK_WEBHOOK_URL', async () => {
    const { ch } = await setup({ url: (u) => u.replace(ROBOT.accessToken, 'nope') });
    expect(await ch.send(msg(1))).toMatchObject({ ok: false, detail: expect.stringContaining('check the access_token in DINGTALK_WEBHOOK_URL') });
  });

  it('20 a minute: 25 messages at once → 20 sent, the 5 that waited go as ONE message after the minute; none dropped, no 130101', async () => {
    const { ch, dt, clock } = await setup();
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => ch.send(msg(i))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.batched === 5)).toHaveLength(5);
    expect(dt.refused).toEqual([]);
    expect(dt.outbox).toHaveLength(21);
    const last = dt.outbox.at(-1)!;
    expect(last.title).toMatch(/^✅ OK prewarm\+?.* 5 messages: 5 messages/);
    for (let i = 20; i < 25; i++) expect(last.text).toContain(`demo/p${i}`);
    expect(Date.parse(last.at) - T0.getTime()).toBeGreaterThanOrEqual(60_000);
    expect(clock.now().getTime() - T0.getTime()).toBeLessThan(2 * 60_000);
  });

  it('one at a time: the 21st in a minute waits for a slot instead of being refused', async () => {
    const { ch, dt } = await setup();
    for (let i = 0; i < 21; i++) expect((await ch.send(msg(i))).ok).toBe(true);
    expect(dt.outbox).toHaveLength(21);
    expect(dt.refused).toEqual([]);
    expect(Date.parse(dt.outbox[20]!.at) - Date.parse(dt.outbox[0]!.at)).toBeGreaterThanOrEqual(60_000);
  });

  it('130101 (another instance filled the minute): reported, and further sends fail at once for ~10 min without hammering the robot', async () => {
    const { ch, dt, clock } = await setup();
    const other = dingtalkChannel({ webhookUrl: `${dt.url}/robot/send?access_token=${ROBOT.accessToken}`, secret: ROBOT.secret, clock, log: memoryLogger('error') });
    for (let i = 0; i < 20; i++) await other.send(msg(i));
    const r = await ch.send(msg(99));
    expect(r).toMatchObject({ ok: false, detail: expect.stringContaining('errcode 130101') });
    const refusedBefore = dt.refused.length;
    clock.advance(5 * 60_000);
    expect(await ch.send(msg(100))).toMatchObject({ ok: false, detail: expect.stringMatching(/130101.*until about/) });
    expect(dt.refused).toHaveLength(refusedBefore);
    clock.advance(6 * 60_000);
    expect(await ch.send(msg(101))).toMatchObject({ ok: true });
  });

  it('HTTP 503 (dingtalk down) is retried once, then reported; the next message goes through', async () => {
    const { ch, dt } = await setup();
    const off = dt.faults.add({ path: '^/robot/send$', status: 503, body: 'Service Unavailable', times: 2 });
    expect(await ch.send(msg(1))).toMatchObject({ ok: false, detail: 'DingTalk answered HTTP 503' });
    off();
    expect(await ch.send(msg(2))).toMatchObject({ ok: true });
  });
});
