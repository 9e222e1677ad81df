import { PV_PROTECTION, PVC_PROTECTION } from './admission';
import { finalizersOf, removeFinalizer } from './deletion';
import type { KubeObject, KubeStore } from './store';

/**
 * The PV and PVC protection controllers (kubernetes/kubernetes pkg/controller/volume/pvprotection and
 * pvcprotection): for an object marked for deletion that carries the protection finalizer, remove it once the
 * object is not in use —
 * - a PV is in use while `status.phase` is Bound (isBeingUsed);
 * - a PVC is in use while a scheduled pod (spec.nodeName set) of its namespace names it in
 *   `spec.volumes[].persistentVolumeClaim.claimName` (podUsesPVC). Pods are only stored unless the kubelet
 *   (./kubelet/kubelet.ts, ADR 0026) runs them; tests and the sandbox create the pods that would use a claim.
 * One pass over the store; the scheduler in ./volume-controllers.ts runs it after changes.
 */
type Obj = Record<string, unknown>;

export function podUsesClaim(pod: KubeObject, claim: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as { nodeName?: string; volumes?: Array<{ persistentVolumeClaim?: { claimName?: string } }> };
  if (!spec.nodeName) return false;
  return (spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name);
}

const deleting = (o: KubeObject, f: string) => o.metadata.deletionTimestamp !== undefined && finalizersOf(o).includes(f);

/** Remove the protection finalizers that no longer protect anything; returns how many objects it released. */
export function syncProtection(store: KubeStore): number {
  let released = 0;
  const pvType = store.type('persistentvolumes')!;
  const pvcType = store.type('persistentvolumeclaims')!;
  for (const pv of store.list('persistentvolumes')) {
    if (!deleting(pv, PV_PROTECTION)) continue;
    if ((pv.status as Obj | undefined)?.phase === 'Bound') continue;
    removeFinalizer(store, pvType, pv, PV_PROTECTION);
    released++;
  }
  for (const pvc of store.list('persistentvolumeclaims')) {
    if (!deleting(pvc, PVC_PROTECTION)) continue;
    if (store.list('pods', pvc.metadata.namespace).some((p) => podUsesClaim(p, pvc))) continue;
    removeFinalizer(store, pvcType, pvc, PVC_PROTECTION);
    released++;
  }
  return released;
}
