import { StatusError } from './status';
import type { KubeObject, KubeStore } from './store';

/**
 * The mutating admission plugins of a real kube-apiserver that touch our kinds on create:
 * - StorageObjectInUseProtection (kubernetes/kubernetes plugin/pkg/admission/storage/storageobjectinuseprotection):
 *   every PV gets `kubernetes.io/pv-protection`, every PVC `kubernetes.io/pvc-protection`; the protection controllers
 *   remove them once the object is no longer in use (./protection-controller.ts).
 * - DefaultStorageClass (plugin/pkg/admission/storage/storageclass/setdefault): a claim with no storageClassName at
 *   all (nil, and no beta annotation) gets the default class; `storageClassName: ""` is a choice and stays. With
 *   several defaults the newest wins (then the name), as pkg/volume/util GetDefaultClass does since 1.26.
 */
export const PV_PROTECTION = 'kubernetes.io/pv-protection';
export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
const DEFAULT_ANN = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];
const BETA_CLASS_ANN = 'volume.beta.kubernetes.io/storage-class';

function addFinalizer(o: KubeObject, f: string): void {
  const list = (o.metadata.finalizers as string[] | undefined) ?? [];
  if (!list.includes(f)) o.metadata.finalizers = [...list, f];
}

/** The default StorageClass, or undefined when none is marked default. */
export function defaultStorageClass(store: KubeStore): KubeObject | undefined {
  const defaults = store.list('storageclasses').filter((sc) => DEFAULT_ANN.some((a) => (sc.metadata.annotations as Record<string, string> | undefined)?.[a] === 'true'));
  const when = (o: KubeObject) => Date.parse(String(o.metadata.creationTimestamp ?? '')) || 0;
  return defaults.sort((a, b) => when(b) - when(a) || a.metadata.name.localeCompare(b.metadata.name))[0];
}

/** Run the create-time admission plugins on `o` (mutates it). */
export function admitCreate(store: KubeStore, plural: string, o: KubeObject): void {
  if (plural === 'persistentvolumes') addFinalizer(o, PV_PROTECTION);
  if (plural !== 'persistentvolumeclaims') return;
  addFinalizer(o, PVC_PROTECTION);
  const spec = ((o.spec ??= {}) as Record<string, unknown>);
  const annotated = (o.metadata.annotations as Record<string, string> | undefined)?.[BETA_CLASS_ANN] !== undefined;
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
  if (annotated) return;
  const sc = defaultStorageClass(store);
  if (sc) spec.storageClassName = sc.metadata.name;
}

/**
 * Finalizer rules of an update (apiserver's ObjectMeta update validation): while an object is being deleted no new
 * finalizer may be added; deletionTimestamp is the server's and cannot be set or cleared by a client.
 */
export function checkFinalizerUpdate(kindName: string, old: KubeObject, next: KubeObject): void {
  const deleting = old.metadata.deletionTimestamp;
  next.metadata.deletionTimestamp = deleting;
  next.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  if (deleting === undefined) {
    delete next.metadata.deletionTimestamp;
    delete next.metadata.deletionGracePeriodSeconds;
    return;
  }
  const before = new Set((old.metadata.finalizers as string[] | undefined) ?? []);
  const added = ((next.metadata.finalizers as string[] | undefined) ?? []).filter((f) => !before.has(f));
  if (added.length) {
    const msg = `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`;
    throw new StatusError(422, 'Invalid', `${kindName} "${next.metadata.name}" is invalid: metadata.finalizers: ${msg}`, { name: next.metadata.name, kind: kindName, causes: [{ reason: 'FieldValueForbidden', message: msg, field: 'metadata.finalizers' }] });
  }
}
