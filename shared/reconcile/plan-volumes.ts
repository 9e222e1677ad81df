import type { V1ObjectMeta, V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { diffPv, diffPvc, mergePatchOf } from './owned-fields';
import { targetOf, type DesiredState, type ObjectRef, type ObservedVolumes, type Terminating, type VolumePlanOptions, type VolumeStep } from './types';

type Vol = V1PersistentVolume | V1PersistentVolumeClaim;

const nsOf = (o: Vol) => o.metadata?.namespace ?? 'default';
const nameOf = (o: Vol) => o.metadata?.name ?? '';
const phaseOf = (o: Vol | undefined) => o?.status?.phase;

/** The object as we create it: declared fields only (no status, resourceVersion or uid from a template). */
function createBody<T extends Vol>(o: T): T {
  const { status: _status, ...rest } = o;
  const meta: V1ObjectMeta = { ...rest.metadata };
  delete meta.resourceVersion;
  delete meta.uid;
  delete meta.creationTimestamp;
  return { ...rest, metadata: meta } as T;
}

function recreateStep(ref: ObjectRef, desired: Vol, live: Vol, diff: ReturnType<typeof diffPv>['immutable'], opts: VolumePlanOptions): VolumeStep {
  const fields = diff.map((d) => d.path).join(', ');
  // Never with data attached: a Bound volume keeps serving CI jobs; a person decides (ADR 0014).
  const blocked =
    phaseOf(live) === 'Bound'
      ? `${ref.kind} is Bound: recreating it would cut running CI jobs off their volume; migrate by hand`
      : !opts.allowRecreate
        ? 'recreation is disabled (set RECONCILE_ALLOW_RECREATE=true to recreate unbound volumes)'
        : undefined;
  return {
    kind: 'recreate',
    target: targetOf(ref),
    ref,
    reason: `immutable field(s) changed: ${fields}`,
    object: createBody(desired),
    diff,
    ...(blocked ? { blocked } : {}),
  };
}

/** Deleted but still held by finalizers (metadata.deletionTimestamp set): the object is on its way out. */
export function terminating(o: Vol | undefined): Terminating | undefined {
  const since = o?.metadata?.deletionTimestamp;
  if (since === undefined || since === null) return undefined;
  return { since: since instanceof Date ? since.toISOString() : String(since), finalizers: o?.metadata?.finalizers ?? [] };
}

function planOne(ref: ObjectRef, desired: Vol, live: Vol | undefined, opts: VolumePlanOptions): VolumeStep[] {
  const target = targetOf(ref);
  if (!live) return [{ kind: 'create', target, ref, reason: `${ref.kind} ${ref.name} is missing`, object: createBody(desired) }];
  // Someone (or an earlier run) deleted it and a finalizer holds it: nothing to diff, it is going; create it after.
  const going = terminating(live);
  if (going) {
    const held = going.finalizers.length ? ` (finalizers: ${going.finalizers.join(', ')})` : '';
    return [{ kind: 'create', target, ref, reason: `${ref.kind} ${ref.name} is Terminating since ${going.since}${held}: created once it is gone`, object: createBody(desired), afterDeletion: going }];
  }
  const d = ref.kind === 'PersistentVolume' ? diffPv(desired, live) : diffPvc(desired, live);
  const steps: VolumeStep[] = [];
  const recreate = d.immutable.length ? recreateStep(ref, desired, live, d.immutable, opts) : undefined;
  if (recreate?.kind === 'recreate' && !recreate.blocked) return [recreate]; // the new object carries the mutable fields too
  if (recreate) steps.push(recreate);
  if (d.mutable.length) {
    steps.push({ kind: 'patch', target, ref, reason: `drift in ${d.mutable.map((x) => x.path).join(', ')}`, patch: mergePatchOf(d.mutable), diff: d.mutable });
  }
  return steps;
}

/**
 * A Released PV whose claimRef names one of our claims with a stale uid never rebinds by itself: it stays Released
 * until an administrator reclaims it ("Retain" under "Reclaiming" in
 * https://kubernetes.io/docs/concepts/storage/persistent-volumes/). Clearing uid/resourceVersion keeps the PV
 * reserved for that same namespace/name, so the recreated claim — and only it — binds again.
 */
function rebindStep(pv: V1PersistentVolume, claims: ObservedVolumes['pvcs'], declared: Set<string>): VolumeStep | undefined {
  const ref = pv.spec?.claimRef;
  if (phaseOf(pv) !== 'Released' || !ref?.uid || !ref.name) return undefined;
  const key = `${ref.namespace ?? 'default'}/${ref.name}`;
  if (!declared.has(key)) return undefined;
  const claim = claims.find((c) => `${nsOf(c)}/${nameOf(c)}` === key);
  if (claim?.metadata?.uid === ref.uid) return undefined;
  const pvRef: ObjectRef = { kind: 'PersistentVolume', name: nameOf(pv) };
  return {
    kind: 'rebind',
    target: targetOf(pvRef),
    ref: pvRef,
    reason: `Released: claimRef still holds the uid of a deleted ${key}; clear it so the declared claim can bind`,
    patch: { spec: { claimRef: { uid: null, resourceVersion: null } } },
  };
}

const KIND_RANK = { PersistentVolume: 0, PersistentVolumeClaim: 1 } as const;
const STEP_RANK = { create: 0, recreate: 0, patch: 1, rebind: 2 } as const;

/**
 * Pure PV/PVC planner: compares only the fields the desired objects declare (and our labels/annotations), never
 * whole objects, and only objects the desired state names — anything else in the cluster is left alone. Missing →
 * create; mutable drift → merge patch; immutable drift → recreate (blocked while Bound or unless `allowRecreate`);
 * Released PVs of our claims → rebind. Steps come sorted: PVs before PVCs (a claim binds to an existing volume),
 * then by name.
 */
export function planVolumes(desired: Pick<DesiredState, 'pvs' | 'pvcs'>, observed: ObservedVolumes, opts: VolumePlanOptions): VolumeStep[] {
  const livePv = new Map(observed.pvs.map((p) => [nameOf(p), p]));
  const livePvc = new Map(observed.pvcs.map((p) => [`${nsOf(p)}/${nameOf(p)}`, p]));
  const declaredClaims = new Set(desired.pvcs.map((c) => `${nsOf(c)}/${nameOf(c)}`));
  const steps: VolumeStep[] = [];
  for (const pv of desired.pvs) {
    const ref: ObjectRef = { kind: 'PersistentVolume', name: nameOf(pv) };
    const live = livePv.get(ref.name);
    const own = planOne(ref, pv, live, opts);
    steps.push(...own);
    const rebind = live && !terminating(live) && !own.some((s) => s.kind === 'recreate' && !s.blocked) ? rebindStep(live, observed.pvcs, declaredClaims) : undefined;
    if (rebind) steps.push(rebind);
  }
  for (const pvc of desired.pvcs) {
    const ref: ObjectRef = { kind: 'PersistentVolumeClaim', name: nameOf(pvc), namespace: nsOf(pvc) };
    steps.push(...planOne(ref, pvc, livePvc.get(`${ref.namespace}/${ref.name}`), opts));
  }
  return steps.sort(
    (a, b) =>
      KIND_RANK[a.ref.kind] - KIND_RANK[b.ref.kind] ||
      a.target.localeCompare(b.target) ||
      STEP_RANK[a.kind] - STEP_RANK[b.kind],
  );
}
