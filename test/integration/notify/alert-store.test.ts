import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubePort, type KubePort } from '#shared/kube/index';
import { ALERT_STORE_NAME, fingerprint, kubeAlertStore, type AlertEntry } from '#shared/notify/index';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';

const now = new Date('2026-12-01T00:00:00Z');
const entry = (action: string, target: string): AlertEntry => ({ fp: fingerprint(action, { target, cause: 'c' }), action, target, cause: 'c', severity: 'warn', summary: 's', digest: 'd', firstSeen: now.toISOString(), lastSeen: now.toISOString(), lastTold: now.toISOString(), told: 1 });

describe('alert state in one ConfigMap (kube emulator)', () => {
  let kube: KubeEmulator;
  let port: KubePort;
  beforeAll(async () => {
    kube = await startKubeEmulator();
    port = createKubePort({ kubeconfigYaml: kube.kubeconfig, retryBaseMs: 1 });
  });
  afterAll(() => kube?.close());

  it('concurrent writers (409 Conflict on a stale resourceVersion) both keep their entries; removes touch only theirs', async () => {
    // Every failed attempt means another writer succeeded in between, so 6 writers need at most 7 attempts each
    // (the first create races too): the bound below cannot be what makes this pass or fail.
    const a = kubeAlertStore(() => port, { namespace: 'default', attempts: 8 });
    const b = kubeAlertStore(() => port, { namespace: 'default', attempts: 8 });
    await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).apply([entry(i % 2 ? 'reconcile' : 'prewarm', `t${i}`)], [], now)));
    expect((await a.load()).map((e) => e.target).sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    await b.apply([], [entry('reconcile', 't1').fp], now);
    expect((await a.load()).map((e) => e.target).sort()).toEqual(['t0', 't2', 't3', 't4', 't5']);
    const cm = await port.getConfigMap('default', ALERT_STORE_NAME);
    expect(cm?.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'gitlab-ask-ops' });
  });

  it('entries unseen for 30 days are dropped on the next write', async () => {
    const s = kubeAlertStore(() => port, { namespace: 'default' });
    const later = new Date(now.getTime() + 31 * 86_400_000);
    await s.apply([{ ...entry('watchdog', 'fresh'), lastSeen: later.toISOString() }], [], later);
    expect((await s.load()).map((e) => e.target)).toEqual(['fresh']);
  });

  it('a store that cannot be reached throws (the notifier then tells without state)', async () => {
    const s = kubeAlertStore(() => { throw new Error('no cluster configured'); }, { namespace: 'default' });
    await expect(s.load()).rejects.toThrow('no cluster configured');
  });
});
