import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { createKubePort } from '#shared/kube/create-kube-port';
import { readHelmRelease } from '#shared/kube/helm-release';
import type { KubePort } from '#shared/kube/port';
import { kubeBinaries } from './binaries';
import { cliRunner, type Run } from './cli-harness';

const bins = kubeBinaries();
if (!bins.helm) console.warn(`helm proof skipped: ${bins.why.join('; ')}`);
const CHART = resolve('test/fixtures/charts/tiny');

// In CI the proof must run: a missing binary fails there instead of skipping quietly.
it.runIf(!bins.helm && process.env.CI === 'true')('helm is available for the fidelity proof in CI', () => {
  expect.fail(`no helm: ${bins.why.join('; ')}`);
});

describe.skipIf(!bins.helm)('helm 3 against the Kubernetes emulator, read back by readHelmRelease', () => {
  let emu: KubeEmulator;
  let helm: (...args: string[]) => Promise<Run>;
  let kube: KubePort;
  beforeAll(async () => {
    emu = await startKubeEmulator({ tls: true });
    const run = cliRunner(emu.kubeconfig);
    helm = (...args) => run(bins.helm!, args);
    kube = createKubePort({ kubeconfigYaml: emu.kubeconfig, retryBaseMs: 1 });
  });
  afterAll(async () => emu.close());

  it('installs, upgrades and uninstalls a chart; the release Secrets decode to what helm reports', async () => {
    const install = await helm('install', 'tiny', CHART, '--namespace', 'default', '--set', 'greeting=hi');
    expect(install.stderr).toBe('');
    expect(install.stdout).toContain('STATUS: deployed');
    const cm = emu.store.get('configmaps', 'tiny-config', 'default');
    expect(cm?.data).toEqual({ greeting: 'hi', concurrent: '4' });

    const r1 = await readHelmRelease(kube, 'default', 'tiny');
    expect(r1).toMatchObject({ name: 'tiny', namespace: 'default', revision: 1, status: 'deployed', chart: { name: 'tiny', version: '0.1.0', appVersion: '1.0.0' }, config: { greeting: 'hi' } });
    expect(r1?.manifest).toContain('name: tiny-config');
    expect(kube.calls['list secrets']).toBe(1);

    expect((await helm('upgrade', 'tiny', CHART, '--namespace', 'default', '--set', 'concurrent=8')).code).toBe(0);
    const r2 = await readHelmRelease(kube, 'default', 'tiny');
    expect(r2).toMatchObject({ revision: 2, status: 'deployed', config: { concurrent: 8 } });
    const values = JSON.parse((await helm('get', 'values', 'tiny', '--namespace', 'default', '-o', 'json')).stdout) as unknown;
    expect(values).toEqual(r2?.config);
    const secrets = await kube.listSecrets('default', 'owner=helm,name=tiny');
    expect(secrets.map((s) => [s.metadata?.name, s.type, s.metadata?.labels?.status])).toEqual([
      ['sh.helm.release.v1.tiny.v1', 'helm.sh/release.v1', 'superseded'],
      ['sh.helm.release.v1.tiny.v2', 'helm.sh/release.v1', 'deployed'],
    ]);
    expect(emu.store.get('configmaps', 'tiny-config', 'default')?.data).toEqual({ greeting: 'hello', concurrent: '8' });

    expect((await helm('uninstall', 'tiny', '--namespace', 'default')).stdout).toContain('release "tiny" uninstalled');
    expect(await readHelmRelease(kube, 'default', 'tiny')).toBeUndefined();
    expect(emu.store.get('configmaps', 'tiny-config', 'default')).toBeUndefined();
  });
});
