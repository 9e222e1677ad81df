import { startKubeEmulator, type KubeEmulator, type KubeObject } from '#local/kube/index';
import { helmReleaseSecret, seedRunnerRelease } from '#local/sandbox/parts/reconcile-seed';
import { createKubePort, type KubePort } from '#shared/kube/index';
import { BUNDLED_INFRA, memoryDesiredSource, type DesiredSource } from '#shared/reconcile/index';

/** n PV/PVC pairs shaped like the seed's, numbered; the first two keep the runner config's claim names. */
function pair(i: number): { pv: KubeObject; pvc: KubeObject } {
  const base = i === 0 ? 'gitlab-runner-cache' : i === 1 ? 'gitlab-runner-maven' : `vol-${String(i).padStart(4, '0')}`;
  const labels = { 'app.kubernetes.io/managed-by': 'gitlab-ask-ops' };
  return {
    pv: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `${base}-pv`, labels },
      spec: {
        accessModes: ['ReadWriteMany'],
        capacity: { storage: '10Pi' },
        persistentVolumeReclaimPolicy: 'Retain',
        mountOptions: ['nolock,noresvport,noacl,hard', 'vers=3', 'proto=tcp'],
        nfs: { path: '/share', server: `m${i}.ap-northeast-2.extreme.nas.aliyuncs.com` },
      },
    },
    pvc: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `${base}-pvc`, namespace: 'default', labels },
      spec: { storageClassName: '', accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Pi' } }, volumeName: `${base}-pv` },
    },
  };
}

const yamlDocs = (objs: KubeObject[]) => objs.map((o) => JSON.stringify(o)).join('\n---\n');

export interface ScaleWorld {
  kube: KubeEmulator;
  port: KubePort;
  source: DesiredSource;
  close(): Promise<void>;
}

/**
 * A cluster with `pairs` bound PV/PVC pairs (declared in the desired state, already in sync), `caches` Ready
 * ImageCaches and the runner release — planted straight into the store (binder off: binding 1,000 pairs one put at a
 * time would only measure the emulator).
 */
export async function startScaleWorld(pairs: number, caches: number): Promise<ScaleWorld> {
  const kube = await startKubeEmulator({ binder: false });
  const all = Array.from({ length: pairs }, (_, i) => pair(i));
  for (const { pv, pvc } of all) {
    const claim = kube.store.put({ ...pvc, status: { phase: 'Bound' } });
    kube.store.put({ ...pv, spec: { ...(pv.spec as object), claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: pvc.metadata.name, uid: claim.metadata.uid } }, status: { phase: 'Bound' } });
  }
  for (let i = 0; i < caches; i++) {
    kube.store.put({ apiVersion: 'eci.alibabacloud.com/v1', kind: 'ImageCache', metadata: { name: `ic-${i}` }, spec: { images: [`registry.example.com/app-${i}:1.0`] }, status: { phase: 'Ready' } });
  }
  kube.store.put(helmReleaseSecret(seedRunnerRelease()) as unknown as KubeObject);
  const files = {
    'k8s/kustomization.yaml': 'resources:\n- volumes.yaml\n',
    'k8s/volumes.yaml': yamlDocs(all.flatMap((p) => [p.pv, p.pvc])),
    'helmfile.yaml': BUNDLED_INFRA['helmfile.yaml']!,
  };
  const port = createKubePort({ kubeconfigYaml: kube.kubeconfig, retryBaseMs: 1 });
  return { kube, port, source: memoryDesiredSource(files, `synthetic ${pairs} pairs`), close: () => kube.close() };
}
