import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchColdStart } from './cold-start';
import { BENCH_DIR } from './lib/stats';
import { benchWebhookLoad } from './webhook-load';

/**
 * `npm run bench`: every benchmark in turn; each prints its figures and writes bench/results/<name>.json. Figures
 * depend on the machine and its load (the JSON records both); compare runs on the same machine only.
 * Other benches join by being named `bench/<name>.bench.ts` and exporting `run()`.
 */
const n = (v: string | undefined): number | undefined => (v ? Number(v) : undefined);

await benchColdStart(n(process.env.BENCH_RUNS) ?? 20);
const load: Parameters<typeof benchWebhookLoad>[0] = {};
if (n(process.env.BENCH_CONNECTIONS)) load.connections = n(process.env.BENCH_CONNECTIONS);
if (n(process.env.BENCH_DURATION_MS)) load.durationMs = n(process.env.BENCH_DURATION_MS);
if (process.env.BENCH_WEBHOOK === 'source') load.webhook = 'source';
await benchWebhookLoad(load);

for (const file of readdirSync(BENCH_DIR).filter((f) => f.endsWith('.bench.ts')).sort()) {
  const mod = (await import(pathToFileURL(join(BENCH_DIR, file)).href)) as { run?: () => Promise<unknown> };
  if (typeof mod.run === 'function') await mod.run();
  else process.stdout.write(`${file}: no run() export, skipped\n`);
}
