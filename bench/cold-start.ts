import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildFunctions, listFunctions, MAX_BUNDLE_BYTES } from '../scripts/build';
import { median, r1, REPO, writeResult } from './lib/stats';

/**
 * Cold start of each bundle: the median wall time of `runs` fresh `node` processes that require `dist/<fn>/index.js`,
 * minus the median of bare `node -e 0` (runs interleaved, so load drift hits both alike). Also the in-process
 * `require()` time, which is less sensitive to machine load, and the same with `--enable-source-maps` (s.yaml sets
 * it through NODE_OPTIONS). Goals: ≤ 35 ms and ≤ 800 KB per bundle.
 */
export interface ColdStartRow {
  fn: string;
  bytes: number;
  processMs: number;
  requireMs: number;
  /** CPU time (user + system) of that require: inflates far less than wall time when the machine is busy. */
  requireCpuMs: number;
  requireWithSourceMapsMs: number;
}

const GOAL_MS = 35;

function wallMs(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function requireMs(file: string, flags: string[] = []): { wall: number; cpu: number } {
  const script = `const c = process.cpuUsage(); const t = performance.now(); require(${JSON.stringify(file)});
    const w = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wall: w, cpu: (u.user + u.system) / 1000 }));`;
  const r = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`require ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { wall: number; cpu: number };
}

/** Build (so the figures are of the current code), then measure every function's bundle. */
export async function benchColdStart(runs = 20): Promise<ColdStartRow[]> {
  const dist = join(REPO, 'dist');
  const problems = (await buildFunctions({ outDir: dist })).flatMap((r) => r.problems);
  if (problems.length) process.stdout.write(`build problems (measuring anyway):\n  ${problems.join('\n  ')}\n`);
  const rows: ColdStartRow[] = [];
  for (const fn of listFunctions()) {
    const file = join(dist, fn, 'index.js');
    const bare: number[] = [];
    const loaded: number[] = [];
    const inproc: number[] = [];
    const inprocCpu: number[] = [];
    const inprocMaps: number[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(wallMs(['-e', '0']));
      loaded.push(wallMs(['-e', `require(${JSON.stringify(file)})`]));
      const m = requireMs(file);
      inproc.push(m.wall);
      inprocCpu.push(m.cpu);
      inprocMaps.push(requireMs(file, ['--enable-source-maps']).wall);
    }
    rows.push({ fn, bytes: statSync(file).size, processMs: r1(median(loaded) - median(bare)), requireMs: r1(median(inproc)), requireCpuMs: r1(median(inprocCpu)), requireWithSourceMapsMs: r1(median(inprocMaps)) });
  }
  process.stdout.write(
    [
      `cold start (median of ${runs} fresh node processes minus bare node; goal ≤ ${GOAL_MS} ms, ≤ ${MAX_BUNDLE_BYTES / 1024} KB)`,
      ...rows.map(
        (r) =>
          `  ${r.fn.padEnd(16)} ${(r.bytes / 1024).toFixed(1).padStart(7)} KB   process +${r.processMs} ms   require ${r.requireMs} ms (CPU ${r.requireCpuMs} ms)   with source maps ${r.requireWithSourceMapsMs} ms   ${r.processMs <= GOAL_MS && r.bytes <= MAX_BUNDLE_BYTES ? 'ok' : 'OVER GOAL'}`,
      ),
    ].join('\n') + '\n',
  );
  const vendor = vendorFirstUse(dist, Math.max(3, Math.round(runs / 4)));
  await writeResult('cold-start', { runs, goalMs: GOAL_MS, maxBytes: MAX_BUNDLE_BYTES, functions: rows, vendorFirstUse: vendor });
  return rows;
}

/** What the first use of a lazily loaded client adds to that invocation (ADR 0001): require time of each chunk. */
function vendorFirstUse(dist: string, runs: number): Array<{ chunk: string; bytes: number; requireMs: number; requireCpuMs: number }> {
  const out: Array<{ chunk: string; bytes: number; requireMs: number; requireCpuMs: number }> = [];
  for (const fn of listFunctions()) {
    const dir = join(dist, fn, 'vendor');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.js'))) {
      const ms = Array.from({ length: runs }, () => requireMs(join(dir, f)));
      out.push({ chunk: `${fn}/vendor/${f}`, bytes: statSync(join(dir, f)).size, requireMs: r1(median(ms.map((m) => m.wall))), requireCpuMs: r1(median(ms.map((m) => m.cpu))) });
    }
  }
  process.stdout.write(
    [`first use of a lazy chunk (median of ${runs} requires)`, ...out.map((v) => `  ${v.chunk.padEnd(44)} ${(v.bytes / 1024).toFixed(0).padStart(6)} KB   +${v.requireMs} ms (CPU ${v.requireCpuMs} ms)`)].join('\n') + '\n',
  );
  return out;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await benchColdStart(Number(process.env.BENCH_RUNS ?? 20));
}
