import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import { systemClock } from '#shared/runtime/index';
import { deliveryEvent, fakeFcInvoker, fcContext, hook, loadFixture, TEST_SECRET, TEST_SECRET_PREVIOUS, type DeliveryOptions } from '../../test/fixtures/gitlab/index';
import { createWebhookHandler } from './create-webhook-handler';

/** Hostile and malformed deliveries, through the whole handler: status, error code, and the FC port untouched. */
const ENV = { WEBHOOK_SECRET: TEST_SECRET, WEBHOOK_MAX_BODY_BYTES: '4096' };

async function post(o: DeliveryOptions = {}, env: Record<string, string> = ENV, fx = loadFixture('push')) {
  const fc = fakeFcInvoker();
  const log = memoryLogger();
  const handle = createWebhookHandler({ config: loadConfig(env), log, fc, clock: systemClock });
  const res = await handle(deliveryEvent(fx, o), fcContext('req-42'));
  return { res, status: res.statusCode, body: JSON.parse(res.body) as { error?: { code: string }; accepted?: boolean; reason?: string }, fc, log };
}

describe('gitlab-webhook edge checks', () => {
  it('missing or wrong token → 401, and nothing else happens (not even a JSON parse)', async () => {
    for (const token of [null, '', 'wrong', TEST_SECRET + 'x', TEST_SECRET.slice(0, -1), TEST_SECRET.toUpperCase()]) {
      const r = await post({ token, body: '{not json' });
      expect(r.status, `token ${String(token)}`).toBe(401);
      expect(r.body.error?.code).toBe('WEBHOOK_AUTH');
      expect(r.fc.calls).toHaveLength(0);
    }
  });

  it('the previous secret is accepted only while it is configured', async () => {
    const rotating = { ...ENV, WEBHOOK_SECRET_PREVIOUS: TEST_SECRET_PREVIOUS };
    const ok = await post({ token: TEST_SECRET_PREVIOUS }, rotating);
    expect(ok.status).toBe(202);
    expect(ok.fc.calls).toHaveLength(1);
    expect((await post({ token: TEST_SECRET_PREVIOUS })).status).toBe(401);
  });

  it('no WEBHOOK_SECRET configured → 500 fail-closed, for every token', async () => {
    for (const token of [null, '', 'anything']) {
      const r = await post({ token }, { WEBHOOK_SECRET_PREVIOUS: TEST_SECRET_PREVIOUS });
      expect(r.status).toBe(500);
      expect(r.fc.calls).toHaveLength(0);
    }
  });

  it('oversized body → 413 before the token is looked at', async () => {
    const big = JSON.stringify({ ...loadFixture('push').payload, pad: 'x'.repeat(5000) });
    expect((await post({ body: big })).status).toBe(413);
    const r = await post({ body: big, token: 'wrong' });
    expect(r.status).toBe(413);
    expect(r.fc.calls).toHaveLength(0);
  });

  it('malformed JSON and non-object JSON → 400 BAD_JSON', async () => {
    for (const body of ['{"object_kind": "push",', '[1,2]', '"push"', 'null', '']) {
      const r = await post({ body });
      expect(r.status, body).toBe(400);
      expect(r.body.error?.code).toBe('BAD_JSON');
      expect(r.fc.calls).toHaveLength(0);
    }
  });

  it('a payload that does not match its event shape → 400 EVENT_INVALID', async () => {
    const r = await post({}, ENV, hook('push', { ref: 42 }));
    expect([r.status, r.body.error?.code]).toEqual([400, 'EVENT_INVALID']);
  });

  it('wrong or missing content type → 415; charset parameter is fine', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', null]) {
      expect((await post({ contentType })).status).toBe(415);
    }
    expect((await post({ contentType: 'application/json; charset=utf-8' })).status).toBe(202);
  });

  it('wrong method → 405 with Allow: POST, before any other check', async () => {
    const r = await post({ method: 'GET', contentType: null, token: null });
    expect(r.status).toBe(405);
    expect(r.res.headers?.Allow).toBe('POST');
  });

  it('missing X-Gitlab-Event → 400 naming the header', async () => {
    const r = await post({ headers: { 'X-Gitlab-Event': '' } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('X-Gitlab-Event');
  });

  it('unknown event → 202 accepted:false with a reason, nothing invoked', async () => {
    const r = await post({}, ENV, { headerEvent: 'Vulnerability Hook', payload: { object_kind: 'vulnerability', object_attributes: { id: 1 } } });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ accepted: false, actions: [], reason: 'unknown event vulnerability' });
    expect(r.fc.calls).toHaveLength(0);
  });

  it('a base64 body (isBase64Encoded) is decoded', async () => {
    const r = await post({ base64: true });
    expect([r.status, r.body.accepted]).toEqual([202, true]);
  });

  it('header names in any case are found', async () => {
    for (const headerCase of [(h: string) => h.toLowerCase(), (h: string) => h.toUpperCase()]) {
      const r = await post({ headerCase });
      expect([r.status, r.body.accepted]).toEqual([202, true]);
    }
  });

  it('a non-HTTP event (timer, direct invoke) → 400', async () => {
    const handle = createWebhookHandler({ config: loadConfig(ENV), log: memoryLogger(), fc: fakeFcInvoker(), clock: systemClock });
    const res = await handle(Buffer.from('{"triggerTime":"2026-11-27T00:00:00Z","triggerName":"t","payload":"{\\"action\\":\\"ping\\"}"}'), fcContext());
    expect(res.statusCode).toBe(400);
  });

  it('logs carry requestId and deliveryId, never the token or the body', async () => {
    const marker = 'BODY-MARKER-7f3a';
    const fx = hook('push', { user_name: marker });
    for (const token of [TEST_SECRET, 'wrong-token-value']) {
      const { log } = await post({ token, deliveryId: 'deliv-1' }, ENV, fx);
      const text = JSON.stringify(log.lines);
      expect(log.lines.length).toBeGreaterThan(0);
      expect(log.lines.every((l) => l.requestId === 'req-42' && l.deliveryId === 'deliv-1')).toBe(true);
      expect(text).not.toContain(TEST_SECRET);
      expect(text).not.toContain('wrong-token-value');
      expect(text).not.toContain(marker);
    }
    const bad = await post({ body: `{"user_name": "${marker}", oops` });
    expect(JSON.stringify(bad.log.lines)).not.toContain(marker);
  });
});
