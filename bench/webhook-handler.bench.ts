import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listen, readBody } from '#local/sandbox/http-util';
import { deliveryEvent, pushWithFiles } from '../test/fixtures/gitlab/factories';
import { percentile, r1, REPO, writeResult } from './lib/stats';

/**
 * The webhook's own cost, without the emulated platform around it: the built handler called in-process (as FC's
 * runtime calls it) with valid, distinct deliveries, handing off to a trivial FC stand-in that answers 202 without
 * verifying signatures or queueing. The load bench (webhook-load.ts) includes the local runtime and the FC emulator;
 * the difference between the two is what the sandbox's FC costs, which in production runs outside the function.
 */
export async function run(iterations = Number(process.env.BENCH_ITERATIONS ?? 2000)): Promise<Record<string, unknown>> {
  const fc = await listen(async (req, res) => {
    await readBody(req);
    res.writeHead(202, { 'x-fc-request-id': 'bench', 'content-length': '0' }).end();
  });
  const secret = 'bench-secret';
  const saved = { ...process.env };
  Object.assign(process.env, { WEBHOOK_SECRET: secret, FC_ENDPOINT: fc.url, FC_ACCOUNT_ID: '1234567890123456', LOG_LEVEL: 'warn' });
  try {
    // The bundle parses config at load, so the env must be in place before it loads — and a copy loaded earlier in
    // this process (bench/run.ts runs the load bench first) must be dropped.
    const req = createRequire(import.meta.url);
    const file = join(REPO, 'dist', 'gitlab-webhook', 'index.js');
    delete req.cache[req.resolve(file)];
    const { handler } = req(file) as {
      handler: (e: Buffer, c: unknown) => Promise<{ statusCode: number }>;
    };
    const base = deliveryEvent(pushWithFiles(['.gitlab-ci.yml']), { token: secret });
    const context = { requestId: 'bench', accountId: '1234567890123456', credentials: { accessKeyId: 'STS.bench', accessKeySecret: 'x', securityToken: 'y' } };
    let n = 0;
    const one = async (): Promise<number> => {
      const event = { ...base, headers: { ...base.headers, 'Idempotency-Key': `bench-${n++}` } };
      const t0 = performance.now();
      const res = await handler(Buffer.from(JSON.stringify(event)), context);
      if (res.statusCode !== 202) throw new Error(`webhook answered ${res.statusCode}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < 200; i++) await one(); // warm-up: JIT, fc2 import, agent sockets
    const lat: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) lat.push(await one());
    const cpu = process.cpuUsage(cpu0);
    const figures = { iterations, cpuUsPerRequest: Math.round((cpu.user + cpu.system) / iterations), latencyMs: { p50: r1(percentile(lat, 50)), p99: r1(percentile(lat, 99)) } };
    process.stdout.write(
      `webhook handler in-process (bundle, trivial FC stand-in, sequential): ${figures.cpuUsPerRequest} µs CPU/request (incl. the stand-in), p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms\n`,
    );
    await writeResult('webhook-handler', figures);
    return figures;
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    await fc.close();
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await run();
