/**
 * `ops doctor` wall time against the sandbox (`npm start` wiring on random ports, as test/e2e/doctor.test.ts boots
 * it): BENCH_RUNS runs in-process after one warm-up (the first loads client-node, ali-oss and pop-core), median and
 * p90, plus the slowest check of the median run. The ECS part delays command pickup by 300 ms like a real agent, so
 * the host probe (one RunCommand) sets the floor. The behaviour is asserted in the e2e test; this prints the numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDoctor } from '#local/cli/doctor/run-doctor';
import { sandboxParts } from '#local/sandbox/boot';
import { createKubePart } from '#local/sandbox/parts/kube-part';
import { startSandbox } from '#local/start';
import { median, percentile, r1, writeResult } from './lib/stats';

export async function run(runs = Number(process.env.BENCH_RUNS ?? 10)) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-doctor-'));
  const parts = sandboxParts.map((p) => (p.name === 'kube' ? createKubePart({ readyAfterMs: 20 }) : p));
  const s = await startSandbox({ env: { SANDBOX_DIR: dir, LOG_LEVEL: 'error' }, port: 0, timers: false, parts, out: () => undefined });
  try {
    const env = { ...s.sandbox.env, ...s.sandbox.cliEnv, LOG_LEVEL: 'error' };
    const samples: Array<{ ms: number; slowest: string }> = [];
    let checkCount = 0;
    for (let i = 0; i <= runs; i++) {
      const r = await runDoctor(env, process.cwd());
      const bad = r.checks.filter((c) => c.status !== 'ok');
      if (bad.length) throw new Error(`doctor not clean: ${bad.map((c) => `${c.id}: ${c.detail}`).join('; ')}`);
      checkCount = r.checks.length;
      const slow = [...r.checks].sort((a, b) => b.elapsedMs - a.elapsedMs)[0]!;
      if (i > 0) samples.push({ ms: r.elapsedMs, slowest: `${slow.id} ${slow.elapsedMs} ms` });
    }
    const ms = samples.map((x) => x.ms);
    const mid = samples.find((x) => x.ms === median(ms))!;
    const out = { runs, checks: checkCount, medianMs: r1(median(ms)), p90Ms: r1(percentile(ms, 90)), slowestCheckOfMedianRun: mid.slowest };
    process.stdout.write(`doctor against the sandbox: median ${out.medianMs} ms, p90 ${out.p90Ms} ms over ${runs} runs; slowest check ${out.slowestCheckOfMedianRun}\n`);
    await writeResult('doctor', out);
    return out;
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
