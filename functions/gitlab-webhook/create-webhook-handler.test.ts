import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import { invokeRequestSchema, systemClock, type FcHttpResponse } from '#shared/runtime/index';
import { deliveryEvent, fakeFcInvoker, fcContext, fixtureNames, hook, loadFixture, pushWithFiles, TEST_SECRET } from '../../test/fixtures/gitlab/index';
import { createWebhookHandler } from './create-webhook-handler';

const ENV = { WEBHOOK_SECRET: TEST_SECRET, INFRA_PROJECT: 'ops/infra', WORKER_FUNCTION: 'ops-worker' };

function setup(env: Record<string, string> = ENV) {
  const fc = fakeFcInvoker();
  const log = memoryLogger();
  const handle = createWebhookHandler({ config: loadConfig(env), log, fc, clock: systemClock });
  return { fc, log, handle };
}
const body = (r: FcHttpResponse) => JSON.parse(r.body) as Record<string, unknown> & { actions: Array<{ action: string; reason: string; taskId: string }> };

describe('gitlab-webhook: every fixture end to end through the handler', () => {
  it.each(fixtureNames)('%s', async (name) => {
    const { fc, handle } = setup();
    const res = await handle(Buffer.from(JSON.stringify(deliveryEvent(loadFixture(name), { deliveryId: `d-${name}` }))), fcContext());
    expect(res.statusCode).toBe(202);
    const b = body(res);
    expect(b.deliveryId).toBe(`d-${name}`);
    expect(fc.calls).toHaveLength(b.actions.length);
    expect(b.accepted).toBe(b.actions.length > 0);
    for (const [i, call] of fc.calls.entries()) {
      expect(call.functionName).toBe('ops-worker');
      expect(call.taskId).toBe(b.actions[i]!.taskId);
      // The worker must accept what we send it (its decodeEvent schema is strict).
      const req = invokeRequestSchema.parse(JSON.parse(call.payload));
      expect(req).toMatchObject({ action: b.actions[i]!.action, source: { kind: 'webhook', id: `d-${name}`, reason: b.actions[i]!.reason } });
    }
  });
});

describe('gitlab-webhook: dedupe and hand-off', () => {
  it('10 concurrent copies of one delivery → one invocation, identical task ids', async () => {
    const { fc, handle } = setup();
    let open!: () => void;
    fc.gate = new Promise((r) => (open = r));
    const fx = loadFixture('push');
    const runs = Array.from({ length: 10 }, (_, i) => handle(deliveryEvent(fx, { deliveryId: `uuid-${i}`, idempotencyKey: 'idem-1' }), fcContext(`r${i}`)));
    setTimeout(() => open(), 20);
    const res = await Promise.all(runs);
    expect(fc.calls).toHaveLength(1);
    expect(res.map((r) => r.statusCode)).toEqual(Array(10).fill(202));
    expect(new Set(res.map((r) => body(r).actions[0]!.taskId))).toEqual(new Set([fc.calls[0]!.taskId]));
  });

  it('without Idempotency-Key, identical payloads dedupe by hash; a later different push is new', async () => {
    const { fc, handle } = setup();
    const fx = loadFixture('push');
    await Promise.all(Array.from({ length: 5 }, (_, i) => handle(deliveryEvent(fx, { deliveryId: `u${i}` }), fcContext())));
    expect(fc.calls).toHaveLength(1);
    await handle(deliveryEvent(hook('push', { before: fx.payload.after, after: 'e'.repeat(40) })), fcContext());
    expect(fc.calls).toHaveLength(2);
  });

  it('a system push and its repository_update sharing X-Gitlab-Event-UUID are both acted on', async () => {
    const { fc, handle } = setup();
    const a = await handle(deliveryEvent(loadFixture('system.push'), { eventUuid: 'same-uuid' }), fcContext());
    const b = await handle(deliveryEvent(loadFixture('system.repository_update'), { eventUuid: 'same-uuid' }), fcContext());
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(fc.calls).toHaveLength(2);
    expect(fc.calls[0]!.taskId).not.toBe(fc.calls[1]!.taskId);
  });

  it('hand-off failure → 503 (never 2xx for lost work); the retry invokes again', async () => {
    const { fc, handle, log } = setup();
    fc.failFor.add('*');
    const ev = deliveryEvent(loadFixture('push'), { idempotencyKey: 'k-fail' });
    const res = await handle(ev, fcContext());
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'HANDOFF_FAILED' } });
    expect(log.lines.find((l) => l.msg === 'delivery failed')).toMatchObject({ failures: [{ message: expect.stringContaining('injected') }] });
    fc.failFor.clear();
    expect((await handle(ev, fcContext())).statusCode).toBe(202);
    expect(fc.calls).toHaveLength(2);
  });

  it('partial failure of a two-action delivery → 503; the re-send only re-invokes what failed', async () => {
    const { fc, handle } = setup();
    const ev = deliveryEvent(pushWithFiles(['.gitlab-ci.yml'], { project: { path_with_namespace: 'ops/infra' } }), { idempotencyKey: 'k2' });
    fc.failFor.add('prewarm');
    expect((await handle(ev, fcContext())).statusCode).toBe(503);
    fc.failFor.clear();
    const res = await handle(ev, fcContext());
    expect(body(res).actions.map((a) => a.action)).toEqual(['reconcile', 'prewarm']);
    expect(fc.calls.map((c) => JSON.parse(c.payload).action)).toEqual(['reconcile', 'prewarm', 'prewarm']);
  });

  it('a task id FC already holds counts as success; two instances rely on it', async () => {
    const a = setup();
    const handleB = createWebhookHandler({ config: loadConfig(ENV), log: memoryLogger(), fc: a.fc, clock: systemClock });
    const ev = deliveryEvent(loadFixture('system.project_create'), { idempotencyKey: 'k3' });
    const [r1, r2] = await Promise.all([a.handle(ev, fcContext()), handleB(ev, fcContext())]);
    expect([r1.statusCode, r2.statusCode]).toEqual([202, 202]);
    expect(a.fc.calls).toHaveLength(2);
    expect(a.fc.tasks.size).toBe(1);
    expect(body(r1).actions[0]!.taskId).toBe(body(r2).actions[0]!.taskId);
  });
});
