import { isDeepStrictEqual } from 'node:util';
import { parseQuantity, isQuantity } from '#shared/kube/quantity';
import { PersistentVolume, PersistentVolumeClaim } from '#shared/kube/core-v1-schema';
import { roundTrip } from '#shared/kube/typed-decode';
import type { FieldDiff } from './types';

type Obj = Record<string, unknown>;

/** How two values of a field are compared. */
type Compare = 'deep' | 'quantity' | 'set';

/** A field we own when the desired object declares it. */
interface FieldSpec {
  path: string[];
  compare?: Compare;
}

/**
 * PV fields the API lets us change in place: everything but the source, volumeMode, nodeAffinity
 * (`ValidatePersistentVolumeUpdate` in
 * https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/apis/core/validation/validation.go).
 */
const PV_MUTABLE: FieldSpec[] = [
  { path: ['spec', 'capacity', 'storage'], compare: 'quantity' },
  { path: ['spec', 'accessModes'], compare: 'set' },
  { path: ['spec', 'mountOptions'] },
  { path: ['spec', 'persistentVolumeReclaimPolicy'] },
  // A PV's storageClassName is a plain string (omitempty): "" and unset are one value on the wire.
  { path: ['spec', 'storageClassName'] },
];
/** Every volume source key of core/v1 PersistentVolumeSpec we might declare (NAS: nfs, or csi nasplugin). */
const PV_SOURCES = ['nfs', 'csi', 'flexVolume', 'hostPath', 'local'];
const PV_IMMUTABLE: FieldSpec[] = [...PV_SOURCES.map((s) => ({ path: ['spec', s] })), { path: ['spec', 'volumeMode'] }, { path: ['spec', 'nodeAffinity'] }];

/**
 * PVC spec is immutable after creation except resources.requests on bound claims — and a static NAS claim cannot be
 * resized either (403 "only dynamically provisioned pvc can be resized"), so every declared spec field counts as
 * immutable here (https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/apis/core/validation/validation.go;
 * https://github.com/kubernetes/kubernetes/blob/76434bd6/plugin/pkg/admission/storage/persistentvolume/resize/admission.go).
 */
const PVC_IMMUTABLE: FieldSpec[] = [
  { path: ['spec', 'accessModes'], compare: 'set' },
  { path: ['spec', 'resources', 'requests', 'storage'], compare: 'quantity' },
  { path: ['spec', 'volumeName'] },
  // A claim's storageClassName is a pointer: "" (no class, static binding) and unset (the default class fills it in
  // at create) differ, and the API keeps "" (k8s.io/api core/v1 PersistentVolumeClaimSpec).
  { path: ['spec', 'storageClassName'] },
  { path: ['spec', 'volumeMode'] },
  { path: ['spec', 'selector'] },
];

export const get = (o: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Obj)[k] : undefined), o);

/** Plain JSON of a value: client-node hands back class instances (V1NFSVolumeSource) with undefined members. */
const plain = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

function same(a: unknown, b: unknown, how: Compare): boolean {
  switch (how) {
    case 'quantity':
      return isQuantity(String(a)) && isQuantity(String(b)) ? parseQuantity(String(a)) === parseQuantity(String(b)) : a === b;
    case 'set':
      return Array.isArray(a) && Array.isArray(b) && isDeepStrictEqual([...a].sort(), [...b].sort());
    default:
      return isDeepStrictEqual(a, b);
  }
}

function diffFields(desired: unknown, live: unknown, specs: FieldSpec[]): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const f of specs) {
    const want = plain(get(desired, f.path));
    if (want === undefined) continue; // not declared: not ours
    const have = plain(get(live, f.path));
    if (!same(have, want, f.compare ?? 'deep')) out.push({ path: f.path.join('.'), live: have, desired: want });
  }
  return out;
}

/** Our declared labels and annotations (only their keys: others' keys on the live object are left alone). */
function diffMeta(desired: { metadata?: Obj }, live: { metadata?: Obj }): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const field of ['labels', 'annotations'] as const) {
    const want = (desired.metadata?.[field] ?? {}) as Record<string, string>;
    const have = (live.metadata?.[field] ?? {}) as Record<string, string>;
    for (const k of Object.keys(want).sort()) if (have[k] !== want[k]) out.push({ path: `metadata.${field}.${k}`, live: have[k], desired: want[k] });
  }
  return out;
}

/**
 * The desired object as the API server will hold it: decoded into its Go type and encoded again, so zero values of
 * non-pointer fields disappear (`nfs.readOnly: false`, `mountOptions: []`, a PV's `storageClassName: ""`) and
 * quantities take their canonical form. Comparing that with the live object means a field the server drops never
 * diffs — otherwise such a field would read as immutable drift on every run. A manifest whose types are wrong is
 * compared as written (the create or patch then fails with the server's 400, which the report carries).
 */
export function normalizeDesired<T extends object>(kind: 'PersistentVolume' | 'PersistentVolumeClaim', desired: T): T {
  try {
    return roundTrip(kind === 'PersistentVolume' ? PersistentVolume : PersistentVolumeClaim, plain(desired) as Obj) as T;
  } catch {
    return desired;
  }
}

/** Owned-field differences of a PV, split by what a merge patch can fix. */
export function diffPv(desired: object, live: object): { mutable: FieldDiff[]; immutable: FieldDiff[] } {
  const d = normalizeDesired('PersistentVolume', desired);
  return { mutable: [...diffMeta(d, live), ...diffFields(d, live, PV_MUTABLE)], immutable: diffFields(d, live, PV_IMMUTABLE) };
}

/**
 * Owned-field differences of a PVC: labels/annotations are patchable, the declared spec is not. One exception: a
 * live claim that is already Bound with no storageClassName at all matches a declared `""` — a bound claim never
 * gets a default class (RetroactiveDefaultStorageClass only touches unbound claims), so recreating a claim in use
 * over it would cost CI jobs their volume for nothing.
 */
export function diffPvc(desired: object, live: object): { mutable: FieldDiff[]; immutable: FieldDiff[] } {
  const d = normalizeDesired('PersistentVolumeClaim', desired);
  const bound = (live as { status?: { phase?: string } }).status?.phase === 'Bound';
  const immutable = diffFields(d, live, PVC_IMMUTABLE).filter((x) => !(bound && x.path === 'spec.storageClassName' && x.desired === '' && x.live === undefined));
  return { mutable: diffMeta(d, live), immutable };
}

/** A JSON merge patch (RFC 7386) setting each diff's path to its desired value. */
export function mergePatchOf(diffs: FieldDiff[]): Record<string, unknown> {
  const patch: Obj = {};
  for (const d of diffs) {
    // metadata.labels.<key> keys may contain dots (app.kubernetes.io/...): split only the first two segments there.
    const parts = d.path.startsWith('metadata.') ? [...d.path.split('.').slice(0, 2), d.path.split('.').slice(2).join('.')] : d.path.split('.');
    let at = patch;
    for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Obj;
    at[parts[parts.length - 1]!] = d.desired ?? null;
  }
  return patch;
}
