import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '#shared/config/index';
import { createGitlabPort } from '#shared/gitlab/api/index';
import { createKubePort } from '#shared/kube/create-kube-port';
import { planImageCaches, simulateApply, type PlanOptions, type PodSet } from '#shared/imagecache/index';
import { memoryImageSetStore } from '#shared/imagecache/image-set-store';
import { runPrewarm } from '#shared/imagecache/run-prewarm';
import { silentLogger } from '#shared/log/index';
import { startGitlabEmulator } from '#local/gitlab/index';
import { startKubeEmulator } from '#local/kube/index';
import { median, percentile, r1, writeResult } from './lib/stats';

/** Deterministic PRNG (mulberry32) so every run plans the same input. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A synthetic instance: `projects` × `jobs` job pod sets. Build images: 60 % from 40 popular images, 40 % the
 * project's own; 0–2 of 8 service images; the helper in every pod — a long tail like real instances.
 */
export function syntheticPodSets(projects: number, jobs: number, seed = 1): PodSet[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const common = Array.from({ length: 40 }, (_, i) => `docker.io/library/tool${i}:${1 + (i % 5)}.0`);
  const services = ['postgres:16', 'postgres:17', 'redis:7', 'mysql:8.4', 'mongo:8', 'docker:27-dind', 'rabbitmq:4', 'elasticsearch:8.15.0'];
  const out: PodSet[] = [];
  for (let p = 1; p <= projects; p++) {
    const own = [`registry.example.com/g${p % 37}/p${p}/build:1.${p % 4}`, `registry.example.com/g${p % 37}/p${p}/test:2.0`];
    for (let j = 0; j < jobs; j++) {
      const images = [rand() < 0.6 ? pick(common) : pick(own), 'gitlab/gitlab-runner-helper:x86_64-v18.9.0'];
      for (let s = Math.floor(rand() * 3); s > 0; s--) images.push(pick(services));
      out.push({ images, sources: [{ kind: 'job', projectId: p, job: `job${j}` }] });
    }
  }
  return out;
}

const base: Omit<PlanOptions, 'maxCaches' | 'maxImages'> = { now: new Date('2026-11-27T10:00:00Z'), pullSecrets: [], sizeGiB: 40, retentionDays: 30, refreshBeforeDays: 2, mutableRefreshHours: 24 };

function timePlanner(desired: PodSet[], budget: Pick<PlanOptions, 'maxCaches' | 'maxImages'>, runs: number) {
  const opts = { ...base, ...budget };
  const [cold, steady, coldCpu, steadyCpu]: [number[], number[], number[], number[]] = [[], [], [], []];
  let plan = planImageCaches(desired, [], opts);
  const applied = simulateApply(plan, [], opts.now);
  // Wall time and this process's CPU time: on a shared, loaded machine the CPU figure is the fairer one.
  const time = (f: () => void, wall: number[], cpu: number[]): void => {
    const c = process.cpuUsage();
    const t = performance.now();
    f();
    wall.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  };
  for (let i = 0; i < runs; i++) {
    time(() => (plan = planImageCaches(desired, [], opts)), cold, coldCpu);
    time(() => planImageCaches(desired, applied, opts), steady, steadyCpu);
  }
  return {
    budget,
    podSets: plan.podSets,
    caches: plan.caches.length,
    lowerBoundCaches: plan.budget.lowerBoundCaches,
    imagesUsed: plan.budget.images.used,
    droppedPodSets: plan.budget.dropped.length,
    emptyClusterMs: { p50: r1(median(cold)), p95: r1(percentile(cold, 95)), cpuP50: r1(median(coldCpu)) },
    steadyStateMs: { p50: r1(median(steady)), p95: r1(percentile(steady, 95)), cpuP50: r1(median(steadyCpu)) },
  };
}

/** Kube list calls and GitLab requests per prewarm run against the emulators, for `n` projects. */
async function countCalls(n: number) {
  const ci = (i: number) => `build:\n  image: reg.io/p${i}/build:1.0\n  services: [postgres:16]\n  script: [make]\ntest:\n  image: node:22\n  script: [npm test]\n`;
  const gl = await startGitlabEmulator({ token: 't0ken-bench', projects: Array.from({ length: n }, (_, i) => ({ path: `g/p${i}`, files: { '.gitlab-ci.yml': ci(i) } })) });
  const kube = await startKubeEmulator({ eci: { readyAfterMs: 5 } });
  try {
    const env = loadConfig({ GITLAB_URL: gl.url, GITLAB_TOKEN: 't0ken-bench', RUNNER_HELPER_IMAGE: 'helper:1', IMAGECACHE_MAX_CACHES: '1000', IMAGECACHE_MAX_IMAGES: '20000' }).env;
    const kubePort = createKubePort({ kubeconfigYaml: kube.kubeconfig, retryBaseMs: 1 });
    // The durable store outlives instances: the hook run below is what a cold instance pays too.
    const store = memoryImageSetStore();
    const clock = { now: () => new Date(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 10))) };
    const input = { gitlab: createGitlabPort({ url: gl.url, token: 't0ken-bench', concurrency: env.GITLAB_CONCURRENCY }), kube: kubePort, env, clock, log: silentLogger, deadline: new Date(Date.now() + 60_000), dryRun: false, store };
    const run = async (projects?: number[]) => {
      const lists = kubePort.calls['list imagecaches'] ?? 0;
      const reqs = gl.requests().length;
      const t = performance.now();
      const r = await runPrewarm({ ...input, ...(projects ? { projects } : {}) });
      return { listCalls: (kubePort.calls['list imagecaches'] ?? 0) - lists, gitlabRequests: gl.requests().length - reqs, caches: r.report.plan.caches.length, ms: r1(performance.now() - t) };
    };
    return { projects: n, full: await run(), fullAgain: await run(), hookWithStore: await run([1]) };
  } finally {
    await gl.close();
    await kube.close();
  }
}

/** The ImageCache bench: planner time for 500 projects × 20 jobs (goal ≤ 200 ms) and calls per prewarm run. */
export async function run(runs = Number(process.env.BENCH_RUNS ?? 15)) {
  const desired = syntheticPodSets(500, 20);
  const figures = {
    planner: {
      input: '500 projects × 20 jobs',
      defaultBudget: timePlanner(desired, { maxCaches: 50, maxImages: 400 }, runs),
      largeBudget: timePlanner(desired, { maxCaches: 1000, maxImages: 20_000 }, runs),
    },
    calls: [await countCalls(5), await countCalls(40)],
  };
  console.log(JSON.stringify(figures, null, 2));
  console.log(`→ ${await writeResult('imagecache', figures)}`);
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
