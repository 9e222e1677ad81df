import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import { decodeEvent, systemClock, type FcContext, type FcHttpResponse } from '#shared/runtime/index';
import { startFcEmulator, type FcEmulator } from '#local/fc/fc-emulator';
import { listen } from '#local/sandbox/http-util';
import { createWebhookHandler } from '../../../functions/gitlab-webhook/create-webhook-handler';
import { createWebhookInvoker } from '../../../functions/gitlab-webhook/deps';
import { deliveryEvent, hook, loadFixture, TEST_SECRET } from '../../fixtures/gitlab/index';

/**
 * The webhook through its production FC entry (`handler`), the real fc2-based invoker and the FC API emulator:
 * signed FC 3.0 async invokes, task-id dedupe in FC, and 503 when FC is unreachable or failing.
 */
const ACCOUNT = '1234567890123456';
const STS = { accessKeyId: 'STS.webhookRole', accessKeySecret: 'webhook-role-secret', securityToken: 'webhook-sts-token' };
const ctx = (requestId: string): FcContext => ({ requestId, accountId: ACCOUNT, credentials: STS });
const body = (r: FcHttpResponse) => JSON.parse(r.body) as { accepted?: boolean; actions: Array<{ action: string; taskId: string }>; error?: { code: string } };

describe('gitlab-webhook → FC emulator (async hand-off)', () => {
  let fc: FcEmulator;
  const runs: Array<{ fn: string; payload: string }> = [];
  let handler: (event: Buffer | string | object, context: FcContext) => Promise<FcHttpResponse>;
  const saved = { ...process.env };

  beforeAll(async () => {
    fc = await startFcEmulator({
      accountId: ACCOUNT,
      credentials: [STS],
      asyncConfig: () => ({ asyncTask: true }),
      invoke: async (fn, payload) => void runs.push({ fn, payload }),
    });
    Object.assign(process.env, {
      WEBHOOK_SECRET: TEST_SECRET,
      FC_ACCOUNT_ID: ACCOUNT,
      FC_ENDPOINT: fc.url,
      WORKER_FUNCTION: 'ops-worker',
      INFRA_PROJECT: 'ops/infra',
      LOG_LEVEL: 'error',
    });
    // handler.ts reads process.env once at module load (cold start): import it after the env is set.
    ({ handler } = await import('../../../functions/gitlab-webhook/handler'));
  });
  afterAll(async () => {
    process.env = saved;
    await fc.close();
  });

  it('10 concurrent identical deliveries → exactly one async invocation queued, same task id in every reply', async () => {
    const fx = loadFixture('push');
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => handler(Buffer.from(JSON.stringify(deliveryEvent(fx, { deliveryId: `uuid-${i}`, idempotencyKey: 'resend-1' }))), ctx(`r${i}`))),
    );
    expect(replies.map((r) => r.statusCode)).toEqual(Array(10).fill(202));
    const ids = new Set(replies.map((r) => body(r).actions[0]!.taskId));
    expect(ids.size).toBe(1);
    await fc.idle();
    const tasks = fc.tasks().filter((t) => ids.has(t.taskId));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ functionName: 'ops-worker', source: 'api', status: 'Succeeded', attempts: 1 });
    // What the worker receives decodes as its own invoke request.
    expect(decodeEvent(tasks[0]!.payload)).toMatchObject({ kind: 'invoke', request: { action: 'prewarm', params: { projects: [15] }, source: { kind: 'webhook', id: 'uuid-0' } } });
  });

  it('another instance (its own in-memory store) re-sending the delivery gets FC duplicate → 202, still one task', async () => {
    const config = loadConfig(process.env);
    const other = createWebhookHandler({ config, log: memoryLogger(), clock: systemClock, fc: createWebhookInvoker(config, () => STS, () => ACCOUNT) });
    const ev = deliveryEvent(loadFixture('system.project_create'), { idempotencyKey: 'cross-1' });
    const first = await handler(ev, ctx('a'));
    const second = await other(ev, ctx('b'));
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    expect(body(second).actions[0]!.taskId).toBe(body(first).actions[0]!.taskId);
    expect(fc.tasks().filter((t) => t.taskId === body(first).actions[0]!.taskId)).toHaveLength(1);
  });

  it('a system push and its repository_update of one commit, delivered concurrently to two instances → one FC task', async () => {
    // Two warm instances (separate in-memory stores): only the FC task id can dedupe them (docs/adr/0024).
    const config = loadConfig(process.env);
    const other = createWebhookHandler({ config, log: memoryLogger(), clock: systemClock, fc: createWebhookInvoker(config, () => STS, () => ACCOUNT) });
    const sha = 'f'.repeat(40);
    const push = hook('system.push', { after: sha });
    const update = hook('system.repository_update', { changes: [{ before: 'e'.repeat(40), after: sha, ref: 'refs/heads/master' }] });
    const before = fc.tasks().length;
    const [a, b] = await Promise.all([
      handler(deliveryEvent(push, { eventUuid: 'exec-1', idempotencyKey: 'idem-push' }), ctx('p')),
      other(deliveryEvent(update, { eventUuid: 'exec-2', idempotencyKey: 'idem-update' }), ctx('u')),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(body(b).actions[0]!.taskId).toBe(body(a).actions[0]!.taskId);
    await fc.idle();
    const mine = fc.tasks().slice(before);
    expect(mine).toHaveLength(1);
    // The one task carries what changed, whichever hook FC kept.
    expect(decodeEvent(mine[0]!.payload)).toMatchObject({
      request: { action: 'prewarm', params: { projects: [15] }, source: { trigger: { project: { id: 15, path: 'mike/diaspora' }, ref: 'master', sha, author: 'John Smith', commitUrl: `http://example.com/mike/diaspora/-/commit/${sha}` } } },
    });
    // A later commit of the same project is a run of its own.
    const next = await handler(deliveryEvent(hook('system.push', { before: sha, after: 'd'.repeat(40) })), ctx('n'));
    expect(body(next).actions[0]!.taskId).not.toBe(body(a).actions[0]!.taskId);
  });

  it('FC failing (5xx, connection reset) → 503, and the re-send after recovery is queued', async () => {
    const ev = deliveryEvent(loadFixture('merge_request.merge'), { idempotencyKey: 'flaky-1' });
    const off = fc.faults.add({ path: 'invocations', status: 503, body: { ErrorCode: 'ServiceUnavailable', ErrorMessage: 'x' } });
    expect((await handler(ev, ctx('f1'))).statusCode).toBe(503);
    off();
    const offReset = fc.faults.add({ path: 'invocations', reset: true });
    expect((await handler(ev, ctx('f2'))).statusCode).toBe(503);
    offReset();
    const ok = await handler(ev, ctx('f3'));
    expect(ok.statusCode).toBe(202);
    expect(fc.tasks().filter((t) => t.taskId === body(ok).actions[0]!.taskId)).toHaveLength(1);
  });

  it('FC down (nothing listening) → 503 HANDOFF_FAILED', async () => {
    const dead = await listen(() => undefined);
    await dead.close();
    const config = loadConfig({ ...process.env, FC_ENDPOINT: dead.url });
    const h = createWebhookHandler({ config, log: memoryLogger(), clock: systemClock, fc: createWebhookInvoker(config, () => STS, () => ACCOUNT) });
    const res = await h(deliveryEvent(loadFixture('push'), { idempotencyKey: 'down-1' }), ctx('d'));
    expect(res.statusCode).toBe(503);
    expect(body(res).error?.code).toBe('HANDOFF_FAILED');
  });

  it('a wrong token queues nothing', async () => {
    const before = fc.tasks().length;
    const res = await handler(deliveryEvent(loadFixture('push'), { token: 'guess', idempotencyKey: 'evil-1' }), ctx('e'));
    expect(res.statusCode).toBe(401);
    expect(fc.tasks().length).toBe(before);
  });
});
