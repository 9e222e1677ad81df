import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import { systemClock, type FcHttpResponse } from '#shared/runtime/index';
import { deliveryEvent, fakeFcInvoker, fcContext, hook, loadFixture, TEST_SECRET } from '../../test/fixtures/gitlab/index';
import { MAX_REASON_CHARS } from './bound-reasons';
import { createWebhookHandler } from './create-webhook-handler';

/** Hostile but authenticated deliveries (valid token): never a 5xx, never unbounded text in requests or replies. */
function setup() {
  const fc = fakeFcInvoker();
  const log = memoryLogger();
  const handle = createWebhookHandler({ config: loadConfig({ WEBHOOK_SECRET: TEST_SECRET, INFRA_PROJECT: 'ops/infra' }), log, fc, clock: systemClock });
  return { fc, log, handle };
}
const reply = (r: FcHttpResponse) => JSON.parse(r.body) as { reason?: string; actions: Array<{ reason: string }>; error?: { code: string } };
const nest = (n: number): string => '['.repeat(n) + ']'.repeat(n);

describe('gitlab-webhook: hostile input with a valid token', () => {
  it('JSON nested 7,000 levels deep in a keyed field is a 400, not a 500; in an ignored field it is harmless', async () => {
    const { handle, fc } = setup();
    const base = JSON.stringify(loadFixture('system.push').payload).slice(1); // without the opening brace
    for (const field of ['refs', 'changes', 'created_at']) {
      const res = await handle(Buffer.from(JSON.stringify(deliveryEvent(loadFixture('system.push'), { body: `{"${field}":${nest(7_000)},${base}` }))), fcContext());
      expect(res.statusCode, field).toBe(400);
      expect(reply(res).error?.code).toBe('BAD_JSON');
    }
    expect(fc.calls).toHaveLength(0);
    const ignored = await handle(Buffer.from(JSON.stringify(deliveryEvent(loadFixture('system.push'), { body: `{"zzz_extra":${nest(7_000)},${base}` }))), fcContext());
    expect(ignored.statusCode).toBe(202);
  });

  it('reasons quoting payload text are cut before they reach the worker request, the reply and the log', async () => {
    const { handle, fc, log } = setup();
    const longPath = `group/${'p'.repeat(100_000)}`;
    const fx = hook('system.project_create', { path_with_namespace: longPath });
    const res = await handle(Buffer.from(JSON.stringify(deliveryEvent(fx))), fcContext());
    expect(res.statusCode).toBe(202);
    expect(reply(res).actions[0]!.reason.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
    const sent = JSON.parse(fc.calls[0]!.payload) as { source: { reason: string } };
    expect(sent.source.reason.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
    expect(fc.calls[0]!.payload.length).toBeLessThan(1_000);
    const unknown = await handle(Buffer.from(JSON.stringify(deliveryEvent({ headerEvent: 'System Hook', payload: { event_name: 'x'.repeat(200_000) } }))), fcContext());
    expect(unknown.statusCode).toBe(202);
    expect(reply(unknown).reason!.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
    expect(Math.max(...log.lines.map((l) => JSON.stringify(l).length))).toBeLessThan(2_000);
  });
});
