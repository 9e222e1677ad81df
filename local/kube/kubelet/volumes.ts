import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject, KubeStore } from '../store';

type Obj = Record<string, unknown>;

/** Where the kubelet finds an OSS bucket's objects (the OSS emulator's bucket directory). */
export type OssBucketDir = (bucket: string) => string | undefined;

/** A pod volume ready to mount, or why it is not (an event reason and message, as the kubelet words them). */
export type VolumeState = { ok: true; path: string; dir: string } | { ok: false; wait: true; reason: string; message: string } | { ok: false; wait: false; reason: string; message: string };

/**
 * Resolve the pod's claim-backed volumes as the kubelet and the OSS CSI node plugin would: the claim must be Bound
 * (else the scheduler waits: "pod has unbound immediate PersistentVolumeClaims"), its volume an OSS CSI volume
 * (kubernetes-sigs/alibaba-cloud-csi-driver: `volumeAttributes.bucket` and `path`), its `nodePublishSecretRef` an
 * existing Secret (else MountVolume.SetUp fails). The "mount" is the bucket directory's sub-path, read as ossfs serves it.
 */
export function resolveVolumes(store: KubeStore, pod: KubeObject, bucketDir: OssBucketDir): VolumeState[] {
  const ns = pod.metadata.namespace ?? 'default';
  const spec = (pod.spec ?? {}) as { volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>; containers?: Array<{ volumeMounts?: Array<{ name: string; mountPath: string }> }> };
  const mounts = spec.containers?.[0]?.volumeMounts ?? [];
  const out: VolumeState[] = [];
  for (const v of spec.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName;
    const at = mounts.find((m) => m.name === v.name)?.mountPath;
    if (!claim || !at) continue;
    const pvc = store.get('persistentvolumeclaims', claim, ns);
    if (!pvc) {
      out.push({ ok: false, wait: true, reason: 'FailedScheduling', message: `0/1 nodes are available: persistentvolumeclaim "${claim}" not found.` });
      continue;
    }
    const volumeName = ((pvc.spec ?? {}) as Obj).volumeName as string | undefined;
    if ((pvc.status as Obj | undefined)?.phase !== 'Bound' || !volumeName) {
      out.push({ ok: false, wait: true, reason: 'FailedScheduling', message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.' });
      continue;
    }
    const pv = store.get('persistentvolumes', volumeName);
    const csi = ((pv?.spec ?? {}) as Obj).csi as { driver?: string; volumeAttributes?: Record<string, string>; nodePublishSecretRef?: { name?: string; namespace?: string } } | undefined;
    if (!csi || csi.driver !== 'ossplugin.csi.alibabacloud.com') {
      out.push({ ok: false, wait: false, reason: 'FailedMount', message: `MountVolume.SetUp failed for volume "${volumeName}" : the emulated kubelet mounts OSS CSI volumes only` });
      continue;
    }
    const ref = csi.nodePublishSecretRef;
    if (ref?.name && !store.get('secrets', ref.name, ref.namespace ?? ns)) {
      out.push({ ok: false, wait: true, reason: 'FailedMount', message: `MountVolume.SetUp failed for volume "${volumeName}" : kubernetes.io/csi: mounter.SetUpAt failed to get CSI client: secrets "${ref.name}" not found` });
      continue;
    }
    const a = csi.volumeAttributes ?? {};
    const base = a.bucket ? bucketDir(a.bucket) : undefined;
    if (!base || !existsSync(base)) {
      out.push({ ok: false, wait: true, reason: 'FailedMount', message: `MountVolume.SetUp failed for volume "${volumeName}" : rpc error: code = Internal desc = ossfs: bucket ${a.bucket ?? '?'}: The specified bucket does not exist.` });
      continue;
    }
    const dir = join(base, (a.path ?? '/').replace(/^\/+/, ''));
    mkdirSync(dir, { recursive: true });
    out.push({ ok: true, path: at, dir });
  }
  return out;
}
