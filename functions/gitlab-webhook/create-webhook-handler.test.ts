import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import { invokeRequestSchema, systemClock, type FcHttpResponse } from '#shared/runtime/index';
import { deliveryEvent, fakeFcInvoker, fcContext, fixtureNames, hook, loadFixture, pushWithFiles, TEST_SECRET } from '../../test/fixtures/gitlab/index';
import { createWebhookHandler } from './create-webhook-handler';

// INFRA_REF master: the fixtures' pushes are to master (only INFRA_REF's pushes reconcile).
const ENV = { WEBHOOK_SECRET: TEST_SECRET, INFRA_PROJECT: 'ops/infra', INFRA_REF: 'master', WORKER_FUNCTION: 'ops-worker' };

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

  it('a system push and its repository_update of one commit → one invocation; the second copy replays its task id', async () => {
    const { fc, handle } = setup();
    const [a, b] = await Promise.all([
      handle(deliveryEvent(loadFixture('system.push'), { eventUuid: 'uuid-a' }), fcContext()),
      handle(deliveryEvent(loadFixture('system.repository_update'), { eventUuid: 'uuid-b' }), fcContext()),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(fc.calls).toHaveLength(1);
    expect(body(b).actions[0]!.taskId).toBe(body(a).actions[0]!.taskId);
    // The change identity keys the task; it is not part of what the worker receives (its schema is strict).
    expect(invokeRequestSchema.parse(JSON.parse(fc.calls[0]!.payload))).not.toHaveProperty('change');
  });

  it('the same commit through a project Push Hook and the merge request that made it → still one task', async () => {
    const { fc, handle } = setup();
    const sha = 'c'.repeat(40);
    await handle(deliveryEvent(pushWithFiles(['.gitlab-ci.yml'], { project_id: 14, project: { id: 14 }, after: sha })), fcContext());
    await handle(deliveryEvent(hook('merge_request.merge', { object_attributes: { merge_commit_sha: sha } })), fcContext());
    expect(new Set(fc.calls.map((c) => c.taskId)).size).toBe(1);
  });

  it('different commits of one project are different runs; reconcile and prewarm of one commit are two', async () => {
    const { fc, handle } = setup();
    await handle(deliveryEvent(loadFixture('system.repository_update')), fcContext());
    await handle(deliveryEvent(hook('system.repository_update', { changes: [{ before: 'a'.repeat(40), after: 'b'.repeat(40), ref: 'refs/heads/master' }] })), fcContext());
    expect(new Set(fc.calls.map((c) => c.taskId)).size).toBe(2);
    const infra = await handle(deliveryEvent(hook('system.repository_update', { project: { path_with_namespace: 'ops/infra' } })), fcContext());
    expect(body(infra).actions.map((x) => x.action)).toEqual(['reconcile', 'prewarm']);
    expect(new Set(fc.calls.map((c) => c.taskId)).size).toBe(3); // prewarm of that commit was queued already
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
