import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { grantFunctionsRole } from '#local/sandbox/parts/kube-part';
import type { StoredProject } from '#shared/imagecache/image-set-store';
import { IMAGE_SET_STORE_NAME, kubeImageSetStore } from '#shared/imagecache/kube-image-set-store';
import { createKubePort } from '#shared/kube/create-kube-port';
import type { KubePort } from '#shared/kube/port';

const proj = (path: string, image: string): StoredProject => ({ path, podSets: [[image, 'helper:1']], jobs: ['build'], discoveredAt: '2026-11-27T10:00:00.000Z', ref: 'main' });

describe('image-set store on the kube emulator (real client-node, real resourceVersion conflicts)', () => {
  let emu: KubeEmulator;
  // The functions' identity with exactly infra/k8s's grants (RBAC on), as in production.
  const fn = { name: '300000000000000055', token: 'store-functions-token' };
  const port = (): KubePort => createKubePort({ kubeconfigYaml: emu.kubeconfigFor(fn.token), retryBaseMs: 1, timeoutMs: 5_000 });
  beforeAll(async () => {
    emu = await startKubeEmulator({ users: [fn] });
    grantFunctionsRole(emu, fn.name);
  });
  afterAll(() => emu.close());

  it('port: get absent → undefined, create-if-absent, replace with a stale resourceVersion → 409 Conflict not retried', async () => {
    const kube = port();
    expect(await kube.getConfigMap('default', 'cm-a')).toBeUndefined();
    const made = await kube.createConfigMap({ metadata: { name: 'cm-a', namespace: 'default' }, data: { k: '1' } });
    expect(made.created).toBe(true);
    expect((await kube.createConfigMap({ metadata: { name: 'cm-a', namespace: 'default' }, data: { k: 'other' } })).object.data).toEqual({ k: '1' });
    const fresh = await kube.replaceConfigMap('default', 'cm-a', { ...made.object, data: { k: '2' } });
    expect(fresh.metadata?.resourceVersion).not.toBe(made.object.metadata?.resourceVersion);
    const before = kube.calls['update configmaps'] ?? 0;
    await expect(kube.replaceConfigMap('default', 'cm-a', { ...made.object, data: { k: 'stale' } })).rejects.toMatchObject({ code: 'KUBE_API', details: { status: 409, reason: 'Conflict' } });
    expect((kube.calls['update configmaps'] ?? 0) - before).toBe(1);
    expect((await kube.getConfigMap('default', 'cm-a'))?.data).toEqual({ k: '2' });
  });

  it('two concurrent saves for different projects both survive (the later writer hits a real 409, re-reads, merges)', async () => {
    const ns = 'default';
    await kubeImageSetStore(port(), { namespace: ns }).save(new Map([[1, proj('g/a', 'a:1')]]), [], { fullWalkAt: '2026-11-27T03:00:00.000Z', runner: 'helper:1|', scope: '', complete: true });

    // Run A reads, then is held right before its replace while run B reads and writes: A's resourceVersion is stale.
    const kubeA = port();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held!: () => void;
    const reachedReplace = new Promise<void>((r) => (held = r));
    let first = true;
    const gatedA: KubePort = Object.assign(Object.create(kubeA) as KubePort, {
      replaceConfigMap: async (...args: Parameters<KubePort['replaceConfigMap']>) => {
        if (first) {
          first = false;
          held();
          await gate;
        }
        return kubeA.replaceConfigMap(...args);
      },
    });
    const a = kubeImageSetStore(gatedA, { namespace: ns }).save(new Map([[1, proj('g/a', 'a:2')]]), []);
    await reachedReplace;
    await kubeImageSetStore(port(), { namespace: ns }).save(new Map([[2, proj('g/b', 'b:1')]]), []);
    release();
    await a;

    expect(kubeA.calls['update configmaps']).toBe(2); // the 409, then the merged write
    expect(kubeA.calls['get configmaps']).toBe(2); // the first read, the re-read after the conflict
    const d = await kubeImageSetStore(port(), { namespace: ns }).load();
    expect(d.projects.get(1)?.podSets).toEqual([['a:2', 'helper:1']]);
    expect(d.projects.get(2)?.podSets).toEqual([['b:1', 'helper:1']]);
    expect(d.meta).toMatchObject({ runner: 'helper:1|', complete: true });
    const cm = await port().getConfigMap(ns, IMAGE_SET_STORE_NAME);
    expect(cm?.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'gitlab-ask-ops' });
  });

  it('outside the granted namespaces the store is refused with the apiserver\'s 403, not retried', async () => {
    await emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ci' } });
    const kube = port();
    const err = await kubeImageSetStore(kube, { namespace: 'ci' }).load().then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'KUBE_API', retryable: false, details: { status: 403, reason: 'Forbidden', verb: 'get', resource: 'configmaps', namespace: 'ci' } });
    expect((err as Error).message).toContain(`configmaps "${IMAGE_SET_STORE_NAME}" is forbidden: User "${fn.name}" cannot get resource "configmaps" in API group "" in the namespace "ci"`);
    expect(kube.calls['get configmaps']).toBe(1);
  });
});
