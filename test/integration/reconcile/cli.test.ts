import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { seedReconcileState } from '#local/sandbox/parts/reconcile-seed';
import { commands, type CliIo } from '#local/cli/commands/index';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
let kube: KubeEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  kube = await startKubeEmulator();
  seedReconcileState(kube);
  // The binder is asynchronous, as the PV controller: wait for the seed's claims to bind.
  for (let i = 0; i < 1000 && !kube.store.list('persistentvolumeclaims', 'default').every((c) => (c.status as { phase?: string }).phase === 'Bound'); i++) await new Promise((r) => setTimeout(r, 5));
  const dir = mkdtempSync(join(tmpdir(), 'reconcile-cli-'));
  writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfig);
  // SANDBOX_DIR without an env file: a developer's running sandbox never makes the CLI refuse this shell target.
  env = { KUBECONFIG_PATH: join(dir, 'kubeconfig'), LOG_LEVEL: 'error', SANDBOX_DIR: dir };
});
afterAll(() => kube?.close());

async function run(name: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), stdin: async () => '', env, cwd: REPO };
  const code = await commands.find((c) => c.name === name)!.run(args, io);
  return { code, out, err };
}

describe('ops plan / apply', () => {
  it('plan prints a helmfile-diff-like report and changes nothing; apply fixes it; then plan is clean', async () => {
    const rv = kube.store.get('persistentvolumes', 'gitlab-runner-cache-pv')?.metadata.resourceVersion;
    const plan = await run('plan', []);
    expect(plan.code).toBe(0);
    expect(plan.out).toContain('PersistentVolume/gitlab-runner-cache-pv  OutOfSync');
    expect(plan.out).toContain('+ metadata.labels.app.kubernetes.io/managed-by: gitlab-ask-ops');
    // The guide's PVs declared no reclaim policy; the API server defaulted it to Retain, which is what infra/ says.
    expect(plan.out).not.toContain('spec.persistentVolumeReclaimPolicy');
    expect(kube.store.get('persistentvolumes', 'gitlab-runner-cache-pv')?.metadata.resourceVersion).toBe(rv);

    const apply = await run('apply', ['--json']);
    expect(apply.code).toBe(0);
    const report = JSON.parse(apply.out) as { drift: boolean; steps: Array<{ outcome: string }> };
    expect(report.drift).toBe(false);
    expect(report.steps.map((s) => s.outcome)).toEqual(['applied', 'applied', 'applied', 'applied']);

    const again = await run('plan', []);
    expect(again.out).toMatch(/Synced: PersistentVolume\/gitlab-runner-cache-pv, .*HelmRelease\/default\/gitlab-runner, ImageCache\/\*/);
    expect(again.out).toMatch(/6 synced, 0 out of sync, 0 degraded; 0 step\(s\) applied/);
  });

  it('apply exits 1 while drift remains (a blocked recreate)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reconcile-infra-'));
    const { infraFiles } = await import('#shared/reconcile/bundle-infra');
    const files = await infraFiles(join(REPO, 'infra/'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'k8s'));
    for (const [p, c] of Object.entries(files)) writeFileSync(join(dir, p), p === 'k8s/mvn-pv.yaml' ? c.replace('maven-mount-target', 'maven-moved') : c);
    const r = await run('apply', ['--infra', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('recreate blocked');
    expect(r.out).toContain('+ spec.nfs: {"path":"/share","server":"maven-moved.ap-northeast-2.extreme.nas.aliyuncs.com"}');
    expect((await run('plan', ['--bogus'])).code).toBe(2);
  });
});
