import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootSandbox, type Sandbox } from '#local/sandbox/boot';
import { buildFunctions } from '../../scripts/build';
import { ROOT } from './s-yaml';

/**
 * The built ops-worker bundle (dist/ops-worker/index.js + vendor/ chunks, as deployed) runs real actions as dry runs
 * against the whole sandbox. Each action reaches its clients through the lazy vendor shims (ADR 0001): this is the
 * proof that client-node, gitbeaker, pop-core and ali-oss work from their chunks on our code paths.
 */
const run = promisify(execFile);
const outDir = join(ROOT, '.cache', `bundle-sandbox-${process.pid}`);
const stateDir = mkdtempSync(join(tmpdir(), 'bundle-sandbox-'));
let sb: Sandbox;

beforeAll(async () => {
  const reports = await buildFunctions({ outDir, names: ['ops-worker'] });
  expect(reports.flatMap((r) => r.problems)).toEqual([]);
  sb = await bootSandbox({ port: 0, env: { WEBHOOK_SECRET: 'bundle-sandbox', LOG_LEVEL: 'error' }, stateDir });
});
afterAll(async () => {
  await sb?.close();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

interface Outcome {
  status: string;
  summary: string;
  vendor: string[];
}

/** Invoke the bundle in a fresh node process with the sandbox env; report the result and which chunks it loaded. */
async function invokeBundle(request: object): Promise<Outcome> {
  const file = JSON.stringify(join(outDir, 'ops-worker', 'index.js'));
  const ctx = JSON.stringify({ requestId: 'bundle-sandbox', credentials: sb.context.credentials, function: { name: 'ops-worker', timeout: 60 } });
  const script = `require(${file}).handler(Buffer.from(process.argv[1]), ${ctx}).then((r) => process.stdout.write('\\n@@' + JSON.stringify({
    status: r.status, summary: r.summary, vendor: Object.keys(require.cache).filter((k) => k.includes('/vendor/')).map((k) => k.split('/').pop()).sort() })))`;
  const { stdout } = await run(process.execPath, ['-e', script, JSON.stringify(request)], { env: { PATH: process.env.PATH ?? '', ...sb.env, LOG_LEVEL: 'error' }, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.slice(stdout.lastIndexOf('\n@@') + 3)) as Outcome;
}

describe('built ops-worker bundle against the sandbox', () => {
  it.each([
    ['reconcile', ['kubernetes-client-node.js']],
    ['prewarm', ['gitbeaker-rest.js', 'kubernetes-client-node.js']],
    ['watchdog', ['ali-oss.js']],
  ])('%s dry run completes and loads its clients from vendor chunks', async (action, chunks) => {
    const out = await invokeBundle({ action, dryRun: true });
    // The fresh sandbox has no backup yet: the watchdog honestly reports a breached RPO as failed (ADR 0016).
    if (action === 'watchdog' && out.status === 'failed') expect(out.summary).toBe('RPO breached: no backup on OSS at all');
    else expect(['ok', 'changed', 'degraded'], `${action}: ${out.summary}`).toContain(out.status);
    for (const c of chunks) expect(out.vendor).toContain(c);
  });
});
