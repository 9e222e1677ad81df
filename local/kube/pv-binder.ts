import { parseQuantity } from '#shared/kube/quantity';
import { recordEvent } from './events';
import type { KubeObject, KubeStore } from './store';

type Obj = Record<string, unknown>;
const spec = (o: KubeObject) => (o.spec ?? {}) as Obj;
const phase = (o: KubeObject) => (o.status as Obj | undefined)?.phase;
const COMPONENT = 'persistentvolume-controller';

const requested = (pvc: KubeObject) => String(((spec(pvc).resources as Obj | undefined)?.requests as Obj | undefined)?.storage ?? '0');
const capacity = (pv: KubeObject) => String((spec(pv).capacity as Obj | undefined)?.storage ?? '0');

/** Why `pv` cannot satisfy `pvc` (checkVolumeSatisfyClaim), or undefined when it can. */
export function mismatch(pv: KubeObject, pvc: KubeObject): string | undefined {
  if (parseQuantity(capacity(pv)) < parseQuantity(requested(pvc))) return 'requested PV is too small';
  if (String(spec(pv).storageClassName ?? '') !== String(spec(pvc).storageClassName ?? '')) return 'storageClassName does not match';
  if ((spec(pv).volumeMode ?? 'Filesystem') !== (spec(pvc).volumeMode ?? 'Filesystem')) return 'incompatible volumeMode';
  const have = new Set((spec(pv).accessModes as string[] | undefined) ?? []);
  if (!((spec(pvc).accessModes as string[] | undefined) ?? []).every((m) => have.has(m))) return 'incompatible accessMode';
  return undefined;
}

function selectorMatches(pvc: KubeObject, pv: KubeObject): boolean {
  const want = ((spec(pvc).selector as Obj | undefined)?.matchLabels ?? {}) as Record<string, string>;
  const labels = (pv.metadata.labels ?? {}) as Record<string, string>;
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

/** Free, or reserved for exactly this claim by a claimRef without uid ("Reserving a PersistentVolume"). */
function reservable(pv: KubeObject, pvc: KubeObject): boolean {
  const ref = spec(pv).claimRef as Obj | undefined;
  return !ref || (!ref.uid && ref.name === pvc.metadata.name && (ref.namespace ?? 'default') === pvc.metadata.namespace);
}

function bind(store: KubeStore, pv: KubeObject, pvc: KubeObject, byController: boolean): void {
  const pvNext: KubeObject = {
    ...pv,
    metadata: { ...pv.metadata, annotations: { ...(pv.metadata.annotations as Obj | undefined), 'pv.kubernetes.io/bound-by-controller': 'yes' } },
    spec: { ...spec(pv), claimRef: { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion } },
    status: { phase: 'Bound', lastPhaseTransitionTime: store.now().toISOString().replace(/\.\d+Z$/, 'Z') },
  };
  store.put(pvNext);
  const ann: Obj = { ...(pvc.metadata.annotations as Obj | undefined), 'pv.kubernetes.io/bind-completed': 'yes' };
  if (byController) ann['pv.kubernetes.io/bound-by-controller'] = 'yes';
  store.put({
    ...pvc,
    metadata: { ...pvc.metadata, annotations: ann },
    spec: { ...spec(pvc), volumeName: pv.metadata.name },
    status: { phase: 'Bound', accessModes: spec(pv).accessModes, capacity: spec(pv).capacity },
  });
}

const setPhase = (store: KubeStore, o: KubeObject, p: string) => {
  if (phase(o) !== p) store.put({ ...o, status: { ...(o.status as Obj | undefined), phase: p } });
};

/** One pass of the PV controller over every PV and PVC; returns after its writes. */
export function syncVolumes(store: KubeStore): void {
  const pvcs = store.list('persistentvolumeclaims');
  for (const pv of store.list('persistentvolumes')) {
    const ref = spec(pv).claimRef as Obj | undefined;
    if (!ref?.uid) setPhase(store, pv, 'Available');
    else {
      const claim = pvcs.find((c) => c.metadata.namespace === ref.namespace && c.metadata.name === ref.name);
      // The claim this PV was bound to is gone (or replaced by a new object): Retain leaves the PV Released.
      if (!claim || claim.metadata.uid !== ref.uid) setPhase(store, pv, 'Released');
    }
  }
  for (const pvc of store.list('persistentvolumeclaims')) {
    const vn = spec(pvc).volumeName as string | undefined;
    const pv = vn ? store.get('persistentvolumes', vn) : undefined;
    if (phase(pvc) === 'Bound') {
      if (!pv) {
        setPhase(store, pvc, 'Lost');
        recordEvent(store, pvc, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!', COMPONENT);
      }
      continue;
    }
    if (phase(pvc) === 'Lost') continue;
    if (vn) {
      if (!pv) continue; // stays Pending until the named PV appears
      const ref = spec(pv).claimRef as Obj | undefined;
      if (ref && (ref.namespace !== pvc.metadata.namespace || ref.name !== pvc.metadata.name || (ref.uid && ref.uid !== pvc.metadata.uid))) {
        recordEvent(store, pvc, 'Warning', 'FailedBinding', `volume "${vn}" already bound to a different claim.`, COMPONENT);
        continue;
      }
      const why = mismatch(pv, pvc);
      if (why) recordEvent(store, pvc, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${vn}": ${why}`, COMPONENT);
      else bind(store, pv, pvc, false);
      continue;
    }
    const candidates = store
      .list('persistentvolumes')
      .filter((v) => phase(v) === 'Available' && reservable(v, pvc) && selectorMatches(pvc, v) && !mismatch(v, pvc))
      .sort((a, b) => parseQuantity(capacity(a)) - parseQuantity(capacity(b)));
    if (candidates[0]) bind(store, candidates[0], pvc, true);
  }
}
