import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { isQuantity, parseQuantity } from '#shared/kube/quantity';
import { targetOf, type DesiredState, type Finding } from './types';

/** Options of the seed rules. */
export interface VolumeRuleOptions {
  /** The NAS console's Total Capacity (NAS_CAPACITY; the seed: 10Pi). */
  nasCapacity: string;
}

const EXTREME_NAS = /\.extreme\.nas\.aliyuncs\.com$/i;
/**
 * Mount options every NAS PV needs (NFSv3, nolock for Extreme NAS, noresvport, TCP:
 * https://www.alibabacloud.com/help/en/container-service-for-kubernetes/latest/set-quotas-on-the-subdirectories-of-nas-volumes).
 */
const REQUIRED_OPTIONS: Array<{ name: string; accepts: RegExp }> = [
  { name: 'vers=3', accepts: /^(nfs)?vers=3(\.0)?$/ },
  { name: 'nolock', accepts: /^nolock$/ },
  { name: 'noresvport', accepts: /^noresvport$/ },
  { name: 'proto=tcp', accepts: /^(proto=tcp|tcp)$/ },
];

/** Split mount options, tolerating the seed's comma-joined entry "nolock,noresvport,noacl,hard". */
export function mountOptionSet(options: readonly string[] | undefined): string[] {
  return (options ?? []).flatMap((o) => o.split(',')).map((o) => o.trim()).filter(Boolean);
}

/** NFS server and path of a PV, whether declared as `nfs` or as the NAS CSI driver's volumeAttributes. */
export function nasSource(pv: V1PersistentVolume): { server?: string; path?: string } | undefined {
  if (pv.spec?.nfs) return { server: pv.spec.nfs.server, path: pv.spec.nfs.path };
  const csi = pv.spec?.csi;
  if (csi?.driver === 'nasplugin.csi.alibabacloud.com') return { server: csi.volumeAttributes?.server, path: csi.volumeAttributes?.path };
  return undefined;
}

function pvRules(pv: V1PersistentVolume, opts: VolumeRuleOptions): Finding[] {
  const target = targetOf({ kind: 'PersistentVolume', name: pv.metadata?.name ?? '' });
  const out: Finding[] = [];
  const f = (rule: string, message: string, severity: Finding['severity'] = 'error') => out.push({ rule, target, severity, message });
  const cap = pv.spec?.capacity?.storage;
  if (!cap || !isQuantity(cap) || parseQuantity(cap) !== parseQuantity(opts.nasCapacity)) {
    f('pv-capacity', `capacity ${cap ?? '(none)'} must equal the NAS console's Total Capacity ${opts.nasCapacity}, or the mount fails (seed guide)`);
  }
  const src = nasSource(pv);
  if (!src) f('nas-source', 'volume source must be nfs or the NAS CSI driver (nasplugin.csi.alibabacloud.com)');
  else if (src.server && EXTREME_NAS.test(src.server.split(':')[0]!) && !/^\/share(\/|$)/.test(src.path ?? '')) {
    f('extreme-nas-path', `Extreme NAS serves only /share and its subdirectories; path ${src.path ?? '(none)'} will not mount`);
  }
  if (pv.spec?.nfs || src) {
    const have = mountOptionSet(pv.spec?.mountOptions);
    const missing = REQUIRED_OPTIONS.filter((r) => !have.some((o) => r.accepts.test(o))).map((r) => r.name);
    if (missing.length) f('nfs-mount-options', `mountOptions lack ${missing.join(', ')} (NAS needs NFSv3 with nolock, noresvport over TCP)`);
  }
  if (!pv.spec?.accessModes?.includes('ReadWriteMany')) f('access-mode', 'a shared runner cache needs ReadWriteMany (CI pods run on different ECI hosts)');
  if (pv.spec?.storageClassName) f('static-only', `storageClassName "${pv.spec.storageClassName}" suggests provisioning; ASK has no dynamic NAS, declare a static PV`, 'warn');
  return out;
}

function pvcRules(pvc: V1PersistentVolumeClaim, pvs: Map<string, V1PersistentVolume>): Finding[] {
  const target = targetOf({ kind: 'PersistentVolumeClaim', name: pvc.metadata?.name ?? '', namespace: pvc.metadata?.namespace ?? 'default' });
  const out: Finding[] = [];
  const f = (rule: string, message: string) => out.push({ rule, target, severity: 'error', message });
  const vn = pvc.spec?.volumeName;
  if (!vn) f('static-only', 'volumeName is required: ASK cannot provision NAS dynamically, so the claim must name its static PV');
  if (pvc.spec?.storageClassName) f('static-only', `storageClassName "${pvc.spec.storageClassName}" asks for dynamic provisioning, which ASK lacks for NAS; leave it empty`);
  // Unset is not "": DefaultStorageClass admission fills an unset class in at create (kubernetes/kubernetes
  // plugin/pkg/admission/storage/storageclass/setdefault); "" is a choice it leaves alone.
  if (pvc.spec?.storageClassName === undefined || pvc.spec.storageClassName === null) {
    f('static-class', 'storageClassName is unset: on a cluster with a default StorageClass the API server fills that class in at create and this static claim stays Pending ("storageClassName does not match"); declare storageClassName: ""');
  }
  if (!pvc.spec?.accessModes?.includes('ReadWriteMany')) f('access-mode', 'a shared runner cache needs ReadWriteMany');
  const pv = vn ? pvs.get(vn) : undefined;
  if (vn && !pv) f('pvc-volume', `volumeName ${vn} is not a declared PersistentVolume`);
  const req = pvc.spec?.resources?.requests?.storage;
  const cap = pv?.spec?.capacity?.storage;
  if (req && cap && isQuantity(req) && isQuantity(cap) && parseQuantity(req) > parseQuantity(cap)) {
    f('pvc-request', `request ${req} exceeds ${vn}'s capacity ${cap}: the claim would stay Pending (VolumeMismatch)`);
  }
  return out;
}

/** The seed guide's rules on the declared PV/PVCs, each with a message a person can act on. Pure. */
export function checkVolumeRules(desired: Pick<DesiredState, 'pvs' | 'pvcs'>, opts: VolumeRuleOptions): Finding[] {
  const pvs = new Map(desired.pvs.map((p) => [p.metadata?.name ?? '', p]));
  return [...desired.pvs.flatMap((p) => pvRules(p, opts)), ...desired.pvcs.flatMap((c) => pvcRules(c, pvs))];
}
