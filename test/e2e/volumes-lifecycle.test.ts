import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands, type CliIo } from '#local/cli/commands/index';
import { sandboxParts } from '#local/sandbox/boot';
import { createKubePart } from '#local/sandbox/parts/kube-part';
import { startSandbox, type Started } from '#local/start';
import type { ReconcileReport } from '#shared/reconcile/index';
import { kubeBinaries } from '../integration/kube/binaries';
import { cliRunner, type Run } from '../integration/kube/cli-harness';

/**
 * The NAS volume lifecycle end to end in the sandbox, as a real ASK cluster behaves: protection finalizers, an
 * asynchronous binder, a default StorageClass, and the functions' restricted identity (the CLI's kube port takes the
 * production path: CS DescribeClusterUserKubeconfig). People act with kubectl and the admin kubeconfig. Every wait is
 * on a state (kubectl wait / polling), never on a time.
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const bins = kubeBinaries();
it.runIf(!bins.kubectl && process.env.CI === 'true')('kubectl is available for the lifecycle e2e in CI', () => {
  expect.fail(`no kubectl: ${bins.why.join('; ')}`);
});

describe.skipIf(!bins.kubectl)('NAS volume lifecycle in the sandbox (ops plan/apply + kubectl)', () => {
  let s: Started;
  let dir: string;
  let kubectl: (...args: string[]) => Promise<Run>;
  /** Reconcile runs made until the cluster converged, per scenario (the closing figure). */
  const runs: Record<string, number> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
    // Same parts as `npm start`; the volume controllers act 50 ms after a change instead of 500 ms.
    const parts = sandboxParts.map((p) => (p.name === 'kube' ? createKubePart({ readyAfterMs: 20 }, { delayMs: 50 }) : p));
    s = await startSandbox({ env: { WEBHOOK_SECRET: 'lifecycle', SANDBOX_DIR: dir, LOG_LEVEL: 'warn' }, port: 0, timers: false, retryBaseMs: 1, parts, out: () => undefined });
    const run = cliRunner(readFileSync(s.sandbox.env.KUBE_SANDBOX_KUBECONFIG!, 'utf8'));
    kubectl = (...args) => run(bins.kubectl!, args);
  });
  afterAll(async () => {
    await s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /**
   * `ops plan|apply --json` with the sandbox env as the shell's (+ overrides), reading infra from `infra` (default the
   * repo's). SANDBOX_DIR names no sandbox, so a developer's own `npm start` in this checkout is not a second target.
   */
  async function ops(mode: 'plan' | 'apply', env: Record<string, string> = {}, infra = join(REPO, 'infra')): Promise<{ code: number; report: ReconcileReport }> {
    let out = '';
    const io: CliIo = { out: (t) => (out += `${t}\n`), err: () => undefined, stdin: async () => '', env: { ...s.sandbox.env, SANDBOX_DIR: join(dir, 'no-sandbox'), INFRA_PROJECT: '', LOG_LEVEL: 'error', ...env }, cwd: REPO };
    const code = await commands.find((c) => c.name === mode)!.run(['--json', '--infra', infra], io);
    return { code, report: JSON.parse(out) as ReconcileReport };
  }
  const steps = (r: ReconcileReport) => r.steps.map((x) => `${x.kind} ${x.target} ${x.outcome}`);
  let copies = 0;
  /**
   * A copy of infra/ that also declares `extra-pv` (the cache PV with nfs.path `path`) and, with `claim`, `extra-pvc`
   * pre-bound to it: objects no other scenario touches, so they start unbound.
   */
  function extraInfra(path: string, claim = false): string {
    const infra = join(dir, `infra-extra-${++copies}`);
    cpSync(join(REPO, 'infra'), infra, { recursive: true });
    const k8s = (f: string) => join(infra, 'k8s', f);
    const rename = (t: string) => t.replaceAll('gitlab-runner-cache-pv', 'extra-pv');
    writeFileSync(k8s('extra-pv.yaml'), rename(readFileSync(k8s('nas-pv.yaml'), 'utf8')).replace('    path: /share\n', `    path: ${path}\n`));
    // gitlab-runner-cache-pvc becomes extra-pvc too.
    if (claim) writeFileSync(k8s('extra-pvc.yaml'), rename(readFileSync(k8s('nas-pvc.yaml'), 'utf8')));
    writeFileSync(k8s('kustomization.yaml'), `${readFileSync(k8s('kustomization.yaml'), 'utf8')}- extra-pv.yaml\n${claim ? '- extra-pvc.yaml\n' : ''}`);
    return infra;
  }
  const phase = async (kind: string, name: string) => (await kubectl('get', kind, name, '-o', 'jsonpath={.status.phase}')).stdout;

  it('claims created without storageClassName got the default StorageClass and sit Pending; declared "" is what fixes them', async () => {
    const sc = (await kubectl('get', 'storageclass', '--no-headers')).stdout;
    expect(sc).toMatch(/^alicloud-disk-alltype \(default\)\s+diskplugin\.csi\.alibabacloud\.com\s+Delete\s+Immediate\s+true/);
    const pvc = (await kubectl('get', 'pvc', 'gitlab-runner-cache-pvc', '--no-headers')).stdout;
    // Pending: no capacity or access modes in status yet, so those columns are empty.
    expect(pvc).toMatch(/^gitlab-runner-cache-pvc\s+Pending\s+gitlab-runner-cache-pv\s+alicloud-disk-alltype\s/);
    const events = await kubectl('get', 'events', '--field-selector', 'involvedObject.name=gitlab-runner-cache-pvc', '-o', 'jsonpath={.items[*].message}');
    expect(events.stdout).toContain('Cannot bind to requested volume "gitlab-runner-cache-pv": storageClassName does not match');
    const plan = await ops('plan');
    expect(steps(plan.report)).toContain('recreate PersistentVolumeClaim/default/gitlab-runner-cache-pvc blocked');
    expect(plan.report.steps.find((x) => x.kind === 'recreate')?.diff).toContainEqual({ path: 'spec.storageClassName', live: 'alicloud-disk-alltype', desired: '' });
  });

  it('recreate of the unbound claims: delete → gone → create → Bound, converged in one run', async () => {
    runs.recreate = 0;
    let r = await ops('apply', { RECONCILE_ALLOW_RECREATE: 'true' });
    runs.recreate++;
    expect(steps(r.report)).toEqual([
      'patch PersistentVolume/gitlab-runner-cache-pv applied',
      'patch PersistentVolume/gitlab-runner-maven-pv applied',
      'recreate PersistentVolumeClaim/default/gitlab-runner-cache-pvc applied',
      'recreate PersistentVolumeClaim/default/gitlab-runner-maven-pvc applied',
    ]);
    expect(r.report.steps.find((x) => x.kind === 'recreate')?.detail).toBe('deleted, gone, created');
    for (const c of ['gitlab-runner-cache-pvc', 'gitlab-runner-maven-pvc']) expect((await kubectl('wait', '--for=jsonpath={.status.phase}=Bound', `pvc/${c}`, '--timeout=60s')).code).toBe(0);
    expect((await kubectl('get', 'pvc', 'gitlab-runner-cache-pvc', '-o', 'jsonpath={.spec.storageClassName}|{.metadata.finalizers}')).stdout).toBe('|["kubernetes.io/pvc-protection"]');
    r = await ops('plan');
    expect(r.report.steps).toEqual([]);
    expect(r.report.drift).toBe(false);
  });

  it('PV Released after its claim is deleted, then re-bound by the next run', async () => {
    expect((await kubectl('delete', 'pvc', 'gitlab-runner-maven-pvc')).code).toBe(0); // waits until it is gone
    expect((await kubectl('wait', '--for=jsonpath={.status.phase}=Released', 'pv/gitlab-runner-maven-pv', '--timeout=60s')).code).toBe(0);
    runs.rebind = 0;
    const r = await ops('apply');
    runs.rebind++;
    expect(steps(r.report)).toEqual(['rebind PersistentVolume/gitlab-runner-maven-pv applied', 'create PersistentVolumeClaim/default/gitlab-runner-maven-pvc applied']);
    expect((await kubectl('wait', '--for=jsonpath={.status.phase}=Bound', 'pvc/gitlab-runner-maven-pvc', '--timeout=60s')).code).toBe(0);
    expect(await phase('pv', 'gitlab-runner-maven-pv')).toBe('Bound');
    expect((await ops('plan')).report.drift).toBe(false);
  });

  it('a claim a running job pod mounts stays Terminating: reported with its finalizer, created once the pod is gone', async () => {
    const pod = join(dir, 'pod.yaml');
    writeFileSync(pod, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ci-job\nspec:\n  nodeName: virtual-kubelet-ap-northeast-2a\n  containers:\n  - name: build\n    image: maven:3.9\n  volumes:\n  - name: cache\n    persistentVolumeClaim:\n      claimName: gitlab-runner-cache-pvc\n');
    expect((await kubectl('apply', '-f', pod)).code).toBe(0);
    expect((await kubectl('delete', 'pvc', 'gitlab-runner-cache-pvc', '--wait=false')).code).toBe(0);
    expect((await kubectl('get', 'pvc', 'gitlab-runner-cache-pvc', '--no-headers')).stdout).toMatch(/^gitlab-runner-cache-pvc\s+Terminating\s/);
    runs.terminating = 0;
    const held = await ops('apply', { RECONCILE_DELETE_WAIT_SECONDS: '1' });
    runs.terminating++;
    expect(held.code).toBe(1);
    const step = held.report.steps.find((x) => x.target === 'PersistentVolumeClaim/default/gitlab-runner-cache-pvc')!;
    expect(step).toMatchObject({ kind: 'create', outcome: 'blocked' });
    expect(step.reason).toMatch(/^PersistentVolumeClaim gitlab-runner-cache-pvc is Terminating since \S+ \(finalizers: kubernetes\.io\/pvc-protection\): created once it is gone$/);
    expect(step.detail).toBe('PersistentVolumeClaim gitlab-runner-cache-pvc is still Terminating after 1 s (finalizers: kubernetes.io/pvc-protection — a pod still mounts the claim); not created yet — the next run creates it once it is gone');
    expect((await kubectl('delete', 'pod', 'ci-job')).code).toBe(0);
    const done = await ops('apply');
    runs.terminating++;
    expect(done.report.steps.find((x) => x.target === 'PersistentVolumeClaim/default/gitlab-runner-cache-pvc')).toMatchObject({ kind: 'create', outcome: 'applied' });
    // The PV still names the old claim's uid (it was Bound to it when this run planned): the binder refuses the new
    // claim until the next run's rebind clears it — three runs in all for a claim deleted under a running job.
    expect((await kubectl('wait', '--for=jsonpath={.status.phase}=Released', 'pv/gitlab-runner-cache-pv', '--timeout=60s')).code).toBe(0);
    const rebound = await ops('apply');
    runs.terminating++;
    expect(steps(rebound.report)).toEqual(['rebind PersistentVolume/gitlab-runner-cache-pv applied']);
    expect((await kubectl('wait', '--for=jsonpath={.status.phase}=Bound', 'pvc/gitlab-runner-cache-pvc', '--timeout=60s')).code).toBe(0);
    expect((await ops('plan')).report.drift).toBe(false);
  });

  it('a PV declared with readOnly: false, applied twice: the API server drops the zero value and ops plan shows no diff', async () => {
    const infra = join(dir, 'infra');
    cpSync(join(REPO, 'infra'), infra, { recursive: true });
    const pvFile = join(infra, 'k8s/nas-pv.yaml');
    writeFileSync(pvFile, readFileSync(pvFile, 'utf8').replace('    path: /share\n', '    path: /share\n    readOnly: false\n'));
    expect(readFileSync(pvFile, 'utf8')).toContain('readOnly: false');
    await ops('apply', {}, infra);
    await ops('apply', {}, infra);
    const plan = await ops('plan', {}, infra);
    expect(plan.report.steps).toEqual([]);
    expect(plan.report.objects.find((o) => o.target === 'PersistentVolume/gitlab-runner-cache-pv')).toMatchObject({ state: 'Synced', reasons: [] });
    expect((await kubectl('get', 'pv', 'gitlab-runner-cache-pv', '-o', 'jsonpath={.spec.nfs}')).stdout).not.toContain('readOnly');
  });

  it('recreate of an unbound PV with a changed nfs.path: delete → gone → create, the new source in place', async () => {
    expect(steps((await ops('apply', {}, extraInfra('/share'))).report)).toEqual(['create PersistentVolume/extra-pv applied']);
    expect((await kubectl('wait', '--for=jsonpath={.status.phase}=Available', 'pv/extra-pv', '--timeout=60s')).code).toBe(0);
    const uid = (await kubectl('get', 'pv', 'extra-pv', '-o', 'jsonpath={.metadata.uid}')).stdout;
    const moved = extraInfra('/share/moved');
    runs.pvRecreate = 0;
    const r = await ops('apply', { RECONCILE_ALLOW_RECREATE: 'true' }, moved);
    runs.pvRecreate++;
    expect(steps(r.report)).toEqual(['recreate PersistentVolume/extra-pv applied']);
    const step = r.report.steps[0]!;
    expect(step.detail).toBe('deleted, gone, created');
    expect(step.diff).toEqual([{ path: 'spec.nfs', live: { path: '/share', server: 'cache-mount-target.ap-northeast-2.extreme.nas.aliyuncs.com' }, desired: { path: '/share/moved', server: 'cache-mount-target.ap-northeast-2.extreme.nas.aliyuncs.com' } }]);
    // A new object (new uid) with the new source, protected again by admission.
    const live = (await kubectl('get', 'pv', 'extra-pv', '-o', 'jsonpath={.metadata.uid}|{.spec.nfs.path}|{.metadata.finalizers}')).stdout.split('|');
    expect(live[0]).not.toBe(uid);
    expect(live.slice(1)).toEqual(['/share/moved', '["kubernetes.io/pv-protection"]']);
    expect((await ops('plan', {}, moved)).report.steps).toEqual([]);
  });

  it('a claim ops apply creates with no default StorageClass keeps storageClassName "" and binds', async () => {
    expect((await kubectl('delete', 'storageclass', 'alicloud-disk-alltype')).code).toBe(0);
    expect((await kubectl('get', 'storageclass', '-o', 'name')).stdout).toBe('');
    const infra = extraInfra('/share/moved', true);
    const r = await ops('apply', {}, infra);
    expect(steps(r.report)).toEqual(['create PersistentVolumeClaim/default/extra-pvc applied']);
    expect((await kubectl('wait', '--for=jsonpath={.status.phase}=Bound', 'pvc/extra-pvc', '--timeout=60s')).code).toBe(0);
    expect(await phase('pv', 'extra-pv')).toBe('Bound');
    // The declared "" is kept as the pointer it is: present and empty, not dropped and not filled in.
    const claim = JSON.parse((await kubectl('get', 'pvc', 'extra-pvc', '-o', 'json')).stdout) as { spec: Record<string, unknown> };
    expect(claim.spec).toHaveProperty('storageClassName', '');
    expect((await ops('plan', {}, infra)).report.drift).toBe(false);
  });

  afterAll(() => {
    // The closing figures (visible with --reporter=verbose): reconcile runs until the cluster converged.
    console.info(`reconcile runs to converge: ${JSON.stringify(runs)}`);
  });
});
