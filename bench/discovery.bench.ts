import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { clearParseCache, discoverImages, memoryCiSource, type DiscoverInput } from '#shared/ci/index';
import { percentile, r1, REPO, writeResult } from './lib/stats';

/**
 * Image discovery throughput over the CI fixture corpus (test/fixtures/ci): every fixture's `.gitlab-ci.yml`
 * through the full pipeline (parse, includes, extends, !reference, variables, matrix) from an in-memory source, so
 * the figure is CPU cost only. Goal ≥ 2,000 files/s on one core.
 */
export interface DiscoveryFigures {
  fixtures: number;
  /** Root files plus every include and child file read in one pass. */
  yamlFilesPerFixturePass: number;
  rounds: number;
  /** Root CI files per CPU-second, parse cache cleared per pass (includes and children are part of each file). */
  coldFilesPerCpuSec: number;
  coldFilesPerSec: number;
  coldYamlFilesPerCpuSec: number;
  /** Same with the parse cache warm (a warm FC instance re-discovering known content). */
  warmFilesPerCpuSec: number;
  warmFilesPerSec: number;
  coldP50Ms: number;
  coldP95Ms: number;
  warmP50Ms: number;
  warmP95Ms: number;
  goalFilesPerSec: number;
  ok: boolean;
}

const GOAL = 2000;
const CORPUS = join(REPO, 'test/fixtures/ci');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function prepare(): { name: string; input: DiscoverInput }[] {
  const templates: Record<string, string> = {};
  const projects: Record<string, string> = {};
  const remote: Record<string, string> = {};
  for (const f of walk(join(CORPUS, '_templates'))) templates[relative(join(CORPUS, '_templates'), f)] = readFileSync(f, 'utf8');
  for (const f of walk(join(CORPUS, '_remote'))) remote[`https://${relative(join(CORPUS, '_remote'), f)}`] = readFileSync(f, 'utf8');
  for (const f of walk(join(CORPUS, '_projects'))) {
    const rel = relative(join(CORPUS, '_projects'), f).split('/');
    // _projects/<group>/.../<project>/<file...>: the project path is everything up to the first ci/ or templates/ dir.
    const cut = rel.findIndex((s) => s === 'ci' || s === 'templates');
    projects[`${rel.slice(0, cut).join('/')}:${rel.slice(cut).join('/')}`] = readFileSync(f, 'utf8');
  }
  return readdirSync(CORPUS)
    .filter((n) => !n.startsWith('_'))
    .sort()
    .map((name) => {
      const dir = join(CORPUS, name);
      const local: Record<string, string> = {};
      for (const f of walk(dir)) local[relative(dir, f)] = readFileSync(f, 'utf8');
      const expected = JSON.parse(local['expected.json'] ?? '{}') as { input?: Partial<DiscoverInput> };
      const source = memoryCiSource({ local, templates, projects, remote });
      return { name, input: { path: '.gitlab-ci.yml', source, ...expected.input } };
    });
}

type Prepared = ReturnType<typeof prepare>;

// One pass over the corpus; returns wall ms per file and CPU ms in total.
async function pass(corpus: Prepared, samples: number[]): Promise<number> {
  const c0 = process.cpuUsage();
  for (const c of corpus) {
    const t = performance.now();
    await discoverImages(c.input);
    samples.push(performance.now() - t);
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/**
 * Run the benchmark; prints a line and writes bench/results/discovery.json. "cold" clears the parse cache before
 * every pass (templates shared by fixtures still hit within a pass, as in a warm FC instance); "warm" keeps it.
 * CPU-time figures are the ones to compare across runs: wall time moves with the machine's load.
 */
export async function run(rounds = Number(process.env.BENCH_ROUNDS ?? 100)): Promise<DiscoveryFigures> {
  const corpus = prepare();
  for (const c of corpus) await discoverImages(c.input); // warm-up: JIT and module init out of the figures
  const yamlPerPass = corpus.reduce((n, c) => n + 1 + (c.input.source as unknown as { reads: string[] }).reads.length, 0);
  const cold: number[] = [];
  const warm: number[] = [];
  let coldCpu = 0;
  let warmCpu = 0;
  for (let r = 0; r < rounds; r++) {
    clearParseCache();
    coldCpu += await pass(corpus, cold);
  }
  for (let r = 0; r < rounds; r++) warmCpu += await pass(corpus, warm);
  const files = rounds * corpus.length;
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const figures: DiscoveryFigures = {
    fixtures: corpus.length,
    yamlFilesPerFixturePass: yamlPerPass,
    rounds,
    coldFilesPerCpuSec: Math.round(files / (coldCpu / 1000)),
    coldFilesPerSec: Math.round(files / (sum(cold) / 1000)),
    coldYamlFilesPerCpuSec: Math.round((rounds * yamlPerPass) / (coldCpu / 1000)),
    warmFilesPerCpuSec: Math.round(files / (warmCpu / 1000)),
    warmFilesPerSec: Math.round(files / (sum(warm) / 1000)),
    coldP50Ms: r1(percentile(cold, 50)),
    coldP95Ms: r1(percentile(cold, 95)),
    warmP50Ms: r1(percentile(warm, 50)),
    warmP95Ms: r1(percentile(warm, 95)),
    goalFilesPerSec: GOAL,
    ok: files / (coldCpu / 1000) >= GOAL,
  };
  const f = figures;
  process.stdout.write(
    `discovery over ${f.fixtures} fixtures (${f.yamlFilesPerFixturePass} YAML files) × ${rounds}: ` +
      `cold ${f.coldFilesPerCpuSec} files/CPU-s (${f.coldYamlFilesPerCpuSec} YAML files/CPU-s; wall ${f.coldFilesPerSec} files/s, p50 ${f.coldP50Ms} ms, p95 ${f.coldP95Ms} ms), ` +
      `warm ${f.warmFilesPerCpuSec} files/CPU-s (wall ${f.warmFilesPerSec} files/s, p50 ${f.warmP50Ms} ms, p95 ${f.warmP95Ms} ms); ` +
      `goal ≥ ${GOAL} files/s cold: ${f.ok ? 'ok' : 'BELOW GOAL'}\n`,
  );
  await writeResult('discovery', { context: { loadavg: (await import('node:os')).loadavg() }, ...figures });
  return figures;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await run();
}
