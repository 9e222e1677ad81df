/**
 * Restore drill figures in the sandbox as `npm start` runs it (the kube part's kubelet takes 0.5 s to "create the ECI
 * container group" and 1 s to "pull" the image; the ECS host's agent picks commands up after 300 ms): a drill's wall
 * time in the worker, split into the worker's own steps (find leaks, pick, create, compare, delete, store, tell) and
 * following the pod — itself the emulated ECI start and the pod's script, of which `restore` is the emulated
 * `gitlab-backup restore`. Then 20 drills with random sandbox faults (drill-image-pull, restore-fails, version-mismatch)
 * and the pods they leave. The behaviour is asserted in test/integration/drill and test/e2e/drill.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invokeCommand } from '#local/cli/commands/invoke';
import type { CliIo } from '#local/cli/commands/index';
import { ecsSandboxPart } from '#local/ecs/sandbox-part';
import { ossSandboxPart } from '#local/oss/sandbox-part';
import { csPart } from '#local/sandbox/parts/cs-part';
import { gitlabPart } from '#local/sandbox/parts/gitlab-part';
import { kubePart } from '#local/sandbox/parts/kube-part';
import { mailSandboxPart } from '#local/sandbox/parts/mail-part';
import { startSandbox } from '#local/start';
import { createKubePort } from '#shared/kube/index';
import type { DrillReport } from '#shared/drill/drill-report';
import { median, r1, writeResult } from './lib/stats';

export async function run(runs = Number(process.env.BENCH_RUNS ?? 5), storm = Number(process.env.BENCH_STORM ?? 20)) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-drill-'));
  const s = await startSandbox({ env: { SANDBOX_DIR: dir, LOG_LEVEL: 'info', WEBHOOK_SECRET: 'bench' }, port: 0, timers: false, parts: [kubePart, csPart, gitlabPart, mailSandboxPart, ossSandboxPart, ecsSandboxPart], out: () => undefined });
  const invoke = async (event: object): Promise<{ report: DrillReport & { name?: string }; steps: Record<string, number> }> => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => '', env: { SANDBOX_DIR: dir, LOG_LEVEL: 'info' }, cwd: process.cwd() };
    await invokeCommand.run(['ops-worker', '--event', JSON.stringify(event)], io);
    const steps: Record<string, number> = {};
    for (const l of err.join('\n').split('\n')) {
      try {
        const j = JSON.parse(l) as { msg?: string; step?: string; elapsedMs?: number };
        if (j.msg === 'step end' && j.step) steps[j.step] = (steps[j.step] ?? 0) + (j.elapsedMs ?? 0);
      } catch {
        // Not a log line (the target line, progress).
      }
    }
    return { report: (JSON.parse(out.join('')) as { report: DrillReport & { name?: string } }).report, steps };
  };
  const kube = createKubePort({ kubeconfigYaml: (await import('node:fs')).readFileSync(join(dir, 'kubeconfig'), 'utf8') });
  try {
    await invoke({ action: 'backup' });
    const rows: Array<{ wall: number; follow: number; ours: number; podStart: number; script: number; restore: number; slack: number; rto: number }> = [];
    for (let i = 0; i < runs; i++) {
      const { report: r, steps } = await invoke({ action: 'restore-drill' });
      if (r.result !== 'passed') throw new Error(`drill ${i} ${r.result} at ${r.step}: ${r.cause}`);
      const follow = (steps.follow ?? 0) / 1000;
      const script = r.scriptSeconds ?? 0;
      const ours = Object.entries(steps).filter(([k]) => k !== 'follow').reduce((t, [, v]) => t + v, 0) / 1000;
      // RTO = pod created → the restore's last check: the emulated ECI start (claims bound, container group, pull) plus
      // the script up to `secrets`; what following took beyond the pod's own time is the poll interval's slack.
      const toSecrets = Object.entries(r.timingsMs ?? {}).filter(([k]) => k !== 'counts' && k !== 'done').reduce((t, [, v]) => t + v, 0) / 1000;
      const podStart = Math.max(0, (r.rtoSeconds ?? 0) - toSecrets);
      rows.push({ wall: r.wallSeconds, follow, ours, podStart, script, restore: (r.timingsMs?.restore ?? 0) / 1000, slack: Math.max(0, follow - podStart - script), rto: r.rtoSeconds ?? 0 });
    }
    const m = (k: keyof (typeof rows)[number]): number => r1(median(rows.map((x) => x[k])));
    const faults = s.sandbox.faults;
    const kinds = ['none', 'drill-image-pull', 'restore-fails', 'version-mismatch'];
    const args = ['restore', 'stop', 'reconfigure', 'restart', 'check', 'doctor'];
    const rand = mulberry32(Number(process.env.DRILL_STORM_SEED ?? 7));
    const outcomes: string[] = [];
    for (let i = 0; i < storm; i++) {
      const k = kinds[rand(kinds.length)]!;
      if (k !== 'none') faults.set(k, { times: 1, ...(k === 'restore-fails' ? { arg: args[rand(args.length)]! } : {}) });
      const { report: r } = await invoke({ action: 'restore-drill' });
      outcomes.push(`${k}:${r.result}${r.step ? `@${r.step}` : ''}`);
      faults.clear();
    }
    const podsLeft = (await kube.listPods('gitlab-ask-ops-drill')).length;
    const volumesLeft = (await kube.listPersistentVolumes('app.kubernetes.io/component=restore-drill')).length;
    const figures = {
      drill: { runs, wallSeconds: m('wall'), workerStepsSeconds: m('ours'), followSeconds: m('follow'), emulatedPodStartSeconds: m('podStart'), podScriptSeconds: m('script'), emulatedRestoreSeconds: m('restore'), pollSlackSeconds: m('slack'), rtoSeconds: m('rto') },
      storm: { drills: storm, outcomes, podsLeft, volumesLeft },
    };
    const d = figures.drill;
    console.log(`restore drill in the sandbox (median of ${runs}): wall ${d.wallSeconds} s = our worker steps ${d.workerStepsSeconds} s + following the pod ${d.followSeconds} s (emulated pod start ${d.emulatedPodStartSeconds} s, the pod's script ${d.podScriptSeconds} s — of which the emulated gitlab-backup restore ${d.emulatedRestoreSeconds} s —, poll slack ${d.pollSlackSeconds} s); RTO ${d.rtoSeconds} s`);
    console.log(`${storm} drills with random faults: ${outcomes.join(', ')}; pods left ${podsLeft}, drill volumes left ${volumesLeft}`);
    console.log(`→ ${await writeResult('drill', figures)}`);
    return figures;
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

/** A small seeded PRNG (mulberry32): the same fault sequence for the same DRILL_STORM_SEED. */
function mulberry32(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}
