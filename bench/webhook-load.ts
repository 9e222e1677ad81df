import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startLocalRuntime } from '#local/runtime/local-runtime';
import { deliveryEvent, pushWithFiles } from '../test/fixtures/gitlab/factories';
import { startForwarder } from './forwarder';
import type { LoadResult, LoadSpec } from './load-client';
import { BENCH_DIR, REPO, writeResult } from './lib/stats';

/**
 * Webhook load: `connections` keep-alive clients send valid, distinct GitLab deliveries (a push changing
 * .gitlab-ci.yml, unique Idempotency-Key each) for `durationMs` to the local runtime's /gitlab-webhook; in the same
 * run the same load goes to a bare node forwarder (bench/forwarder.ts). The worker is a no-op stand-in, so the
 * figures are the webhook's: verify, classify, dedupe, sign and send the FC async invoke, answer 202.
 * Goals: p99 ≤ 25 ms and ≥ 0.7× the forwarder's req/s.
 */
export interface WebhookLoadOptions {
  connections?: number;
  durationMs?: number;
  warmupMs?: number;
  /** `bundle` (default): dist/gitlab-webhook/index.js, as deployed; `source`: the TypeScript under tsx. */
  webhook?: 'bundle' | 'source';
}

/** Run the load client in its own node process against `url`. */
function loadInChild(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'load-client.ts'), JSON.stringify(spec)], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult) : reject(new Error(`load client exited ${code}`))));
  });
}

const line = (name: string, r: LoadResult): string =>
  `  ${name.padEnd(16)} ${String(r.rps).padStart(8)} req/s   p50 ${r.latencyMs.p50} ms   p99 ${r.latencyMs.p99} ms   max ${r.latencyMs.max} ms   ${JSON.stringify(r.statuses)}${r.errors ? `   errors ${r.errors}` : ''}`;

/** Run both targets under the same load and return (and print) the comparison. */
export async function benchWebhookLoad(o: WebhookLoadOptions = {}): Promise<Record<string, unknown>> {
  const connections = o.connections ?? 50;
  const durationMs = o.durationMs ?? 10_000;
  const warmupMs = o.warmupMs ?? 1_000;
  const secret = randomBytes(16).toString('hex');
  const event = deliveryEvent(pushWithFiles(['.gitlab-ci.yml']), { token: secret });
  const base = { connections, durationMs, warmupMs, headers: event.headers ?? {}, body: event.body ?? '', uniqueHeader: 'Idempotency-Key' };

  // LOG_LEVEL warn: one info line per request would measure the pipe to the terminal, not the webhook.
  const runtime = await startLocalRuntime({
    sYamlPath: join(REPO, 's.yaml'),
    port: 0,
    env: { WEBHOOK_SECRET: secret, LOG_LEVEL: 'warn' },
    functionDirs: {
      'ops-worker': join(BENCH_DIR, 'fixtures', 'noop-worker'),
      ...(o.webhook === 'source' ? {} : { 'gitlab-webhook': join(BENCH_DIR, 'fixtures', 'bundled-webhook') }),
    },
  });
  const forwarder = await startForwarder();
  try {
    const url = `${runtime.url}/gitlab-webhook`;
    const probe = await fetch(url, { method: 'POST', headers: { ...base.headers, 'Idempotency-Key': 'bench-probe' }, body: base.body });
    if (probe.status !== 202) throw new Error(`webhook answered ${probe.status} to a valid delivery: ${await probe.text()}`);
    // Server-side CPU per request (this process hosts the runtime, the FC emulator and the forwarder): less sensitive
    // to other load on the machine than wall-clock figures.
    const a0 = process.cpuUsage();
    const webhook = await loadInChild({ ...base, url });
    const a1 = process.cpuUsage();
    const bare = await loadInChild({ ...base, url: `${forwarder.url}/hook` });
    const a2 = process.cpuUsage();
    // Warm-up requests are not counted by the client; estimate them at the measured rate.
    const cpuUsPerReq = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage, r: LoadResult): number =>
      Math.round((to.user - from.user + to.system - from.system) / Math.max(1, r.requests * (1 + warmupMs / durationMs)));
    const ratio = Math.round((webhook.rps / bare.rps) * 100) / 100;
    const goals = { p99Ms: 25, ratio: 0.7 };
    const pass = { p99: webhook.latencyMs.p99 <= goals.p99Ms, ratio: ratio >= goals.ratio, all202: Object.keys(webhook.statuses).every((s) => s === '202') };
    process.stdout.write(
      [`webhook load (${o.webhook ?? 'bundle'}): ${connections} connections, ${durationMs / 1000} s (after ${warmupMs / 1000} s warm-up)`, line('gitlab-webhook', webhook), line('bare forwarder', bare), `  ratio ${ratio}× (goal ≥ ${goals.ratio}), p99 goal ≤ ${goals.p99Ms} ms: ${pass.p99 && pass.ratio ? 'met' : 'NOT met'}`].join('\n') + '\n',
    );
    const cpu = { webhookUsPerRequest: cpuUsPerReq(a0, a1, webhook), forwarderUsPerRequest: cpuUsPerReq(a1, a2, bare) };
    process.stdout.write(`  server CPU per request: webhook ${cpu.webhookUsPerRequest} µs, forwarder ${cpu.forwarderUsPerRequest} µs \n`);
    const result = { target: o.webhook ?? 'bundle', connections, durationMs, warmupMs, webhook, forwarder: bare, ratio, goals, pass, cpu };
    await writeResult(`webhook-load-${o.webhook ?? 'bundle'}`, result);
    return result;
  } finally {
    await forwarder.close();
    await runtime.close();
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const n = (v: string | undefined) => (v ? Number(v) : undefined);
  await benchWebhookLoad({
    connections: n(process.env.BENCH_CONNECTIONS),
    durationMs: n(process.env.BENCH_DURATION_MS),
    warmupMs: n(process.env.BENCH_WARMUP_MS),
    webhook: process.env.BENCH_WEBHOOK === 'source' ? 'source' : 'bundle',
  } as WebhookLoadOptions);
}
