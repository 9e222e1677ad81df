import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Shared helpers for the benchmarks: percentiles and the results file. */

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Nearest-rank percentile of unsorted samples (p in 0..100). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** Round to 0.1 for printing and JSON. */
export const r1 = (n: number): number => Math.round(n * 10) / 10;

/** Write `bench/results/<name>.json` (git-ignored) with the machine context the figures depend on. */
export async function writeResult(name: string, data: unknown): Promise<string> {
  const { cpus, loadavg } = await import('node:os');
  const dir = join(BENCH_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const context = { at: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavg: loadavg().map(r1) };
  writeFileSync(file, JSON.stringify({ context, ...(data as object) }, null, 2) + '\n');
  return file;
}
