import { benchColdStart } from './cold-start';
import { benchWebhookLoad } from './webhook-load';

/**
 * `npm run bench`: every benchmark in turn; each prints its figures and writes bench/results/<name>.json. Figures
 * depend on the machine and its load (the JSON records both); compare runs on the same machine only.
 */
await benchColdStart(Number(process.env.BENCH_RUNS ?? 20));
const n = (v: string | undefined): number | undefined => (v ? Number(v) : undefined);
const load: Parameters<typeof benchWebhookLoad>[0] = {};
if (n(process.env.BENCH_CONNECTIONS)) load.connections = n(process.env.BENCH_CONNECTIONS);
if (n(process.env.BENCH_DURATION_MS)) load.durationMs = n(process.env.BENCH_DURATION_MS);
await benchWebhookLoad(load);
