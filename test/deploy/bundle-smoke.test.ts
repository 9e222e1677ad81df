import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFcEmulator, type FcEmulator } from '#local/fc/fc-emulator';
import { sandboxCredentials } from '#local/runtime/local-runtime';
import { deliveryEvent, pushWithFiles } from '../fixtures/gitlab/factories';
import { buildFunctions } from '../../scripts/build';
import { ROOT } from './s-yaml';

/**
 * The deployable artefacts, not the sources: the built dist/<fn>/index.js run in a plain node process (CJS, as FC
 * loads it) against the FC emulator. Proves the bundle-time stubs (ali-oss, ws) and lazy vendor chunks do not break
 * the paths we use: the webhook's fc2 hand-off and the worker's decode + dispatch.
 */
const run = promisify(execFile);
const outDir = join(ROOT, '.cache', `bundle-smoke-${process.pid}`);
const ACCOUNT = '1234567890123456';
const creds = sandboxCredentials();
const received: Array<{ fn: string; payload: string }> = [];
let fc: FcEmulator;

beforeAll(async () => {
  const reports = await buildFunctions({ outDir });
  expect(reports.flatMap((r) => r.problems)).toEqual([]);
  fc = await startFcEmulator({
    accountId: ACCOUNT,
    credentials: [creds],
    hasFunction: (fn) => fn === 'ops-worker',
    asyncConfig: () => ({ asyncTask: true, maxAsyncRetryAttempts: 0 }),
    invoke: async (fn, payload) => {
      received.push({ fn, payload });
      return { status: 'ok' };
    },
  });
});
afterAll(async () => {
  await fc?.close();
  rmSync(outDir, { recursive: true, force: true });
});

/** Call `handler(event, context)` of a bundle in a fresh node process; the result comes back as JSON. */
async function callBundle(fn: string, event: unknown, env: Record<string, string>): Promise<unknown> {
  const file = JSON.stringify(join(outDir, fn, 'index.js'));
  const ctx = JSON.stringify({ requestId: 'smoke-1', accountId: ACCOUNT, credentials: creds, function: { name: fn, timeout: 10 } });
  const script = `require(${file}).handler(Buffer.from(process.argv[1]), ${ctx}).then((r) => process.stdout.write('\\n@@' + JSON.stringify(r)))`;
  const { stdout } = await run(process.execPath, ['-e', script, JSON.stringify(event)], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', ...env } });
  return JSON.parse(stdout.slice(stdout.lastIndexOf('\n@@') + 3));
}

describe('built bundles', () => {
  it('gitlab-webhook bundle verifies a delivery and hands it to ops-worker through fc2 (202)', async () => {
    const event = deliveryEvent(pushWithFiles(['.gitlab-ci.yml']), { token: 'smoke-secret', idempotencyKey: 'smoke-key-1' });
    const res = (await callBundle('gitlab-webhook', event, { WEBHOOK_SECRET: 'smoke-secret', FC_ENDPOINT: fc.url, FC_ACCOUNT_ID: ACCOUNT })) as { statusCode: number };
    expect(res.statusCode).toBe(202);
    await fc.idle();
    expect(received.map((r) => [r.fn, (JSON.parse(r.payload) as { action: string }).action])).toEqual([['ops-worker', 'prewarm']]);
  });

  it('gitlab-webhook bundle rejects a wrong token with 401', async () => {
    const event = deliveryEvent(pushWithFiles(['.gitlab-ci.yml']), { token: 'wrong' });
    const res = (await callBundle('gitlab-webhook', event, { WEBHOOK_SECRET: 'smoke-secret', FC_ENDPOINT: fc.url })) as { statusCode: number };
    expect(res.statusCode).toBe(401);
  });

  it('ops-worker bundle decodes a timer event and runs the named action', async () => {
    const timer = { triggerTime: '2026-11-27T18:00:00Z', triggerName: 'smoke', payload: '{"action":"ping","params":{"note":"bundle"}}' };
    expect(await callBundle('ops-worker', timer, {})).toMatchObject({ action: 'ping', status: 'ok', summary: 'pong: bundle' });
  });
});
