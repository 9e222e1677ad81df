/**
 * Reconcile at scale: 1,000 PV/PVC pairs + 200 ImageCaches + the runner release in the kube emulator, through the
 * real KubePort (client-node over loopback HTTP). Goal ≤ 1 s per in-sync run (README, Benchmarks). The list-call count is
 * asserted in test/integration/reconcile/scale.test.ts; this prints the time.
 */
import { memoryLogger } from '#shared/log/index';
import { runReconcile } from '#shared/reconcile/index';
import { startScaleWorld } from '../test/integration/reconcile/scale-world';
import { median, percentile, r1, writeResult } from './lib/stats';

export async function run(runs = Number(process.env.BENCH_RUNS ?? 10), pairs = 1000, caches = 200) {
  const w = await startScaleWorld(pairs, caches);
  const samples: number[] = [];
  let firstMs = 0;
  let calls: Record<string, number> = {};
  try {
    for (let i = 0; i <= runs; i++) {
      const before = { ...w.port.calls };
      const t0 = performance.now();
      const { report } = await runReconcile(
        { kube: w.port, log: memoryLogger('error'), clock: { now: () => new Date(), sleep: async () => undefined } },
        { source: w.source, dryRun: false, apply: true, allowRecreate: false, nasCapacity: '10Pi', pendingMinutes: 10, remediate: false, infraRef: 'main' },
      );
      const ms = performance.now() - t0;
      if (report.steps.length || report.drift) throw new Error(`bench world drifted: ${report.summary}`);
      // The first run loads client-node and parses the 2,000 manifests (then memoised per warm instance): reported apart.
      if (i > 0) samples.push(ms);
      else firstMs = ms;
      calls = Object.fromEntries(Object.entries(w.port.calls).map(([k, v]) => [k, v - (before[k] ?? 0)]));
    }
  } finally {
    await w.close();
  }
  const figures = { pairs, caches, runs, firstRunMs: r1(firstMs), ms: { median: r1(median(samples)), p90: r1(percentile(samples, 90)), max: r1(Math.max(...samples)) }, goalMs: 1000, callsPerRun: calls };
  console.log(`reconcile ${pairs} PV/PVC pairs + ${caches} ImageCaches: median ${figures.ms.median} ms, p90 ${figures.ms.p90} ms (goal ≤ 1000 ms); first run ${figures.firstRunMs} ms; calls/run ${JSON.stringify(calls)}`);
  console.log(`→ ${await writeResult('reconcile', figures)}`);
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
