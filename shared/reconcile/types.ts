import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';

/** Label every object we declare carries; objects without a declaration are never touched (no pruning). */
export const MANAGED_BY = { key: 'app.kubernetes.io/managed-by', value: 'gitlab-ask-ops' } as const;

/** One release from helmfile.yaml, values merged in file order. */
export interface DesiredRelease {
  name: string;
  namespace: string;
  /** `repo/chart` as written; `chartName` is the part after the slash. */
  chart: string;
  chartName: string;
  version: string;
  values: Record<string, unknown>;
}

/** The declared platform: from the bundled infra/ or the infra project. */
export interface DesiredState {
  /** Where it came from, e.g. `infra/` or `ops/infra@main:infra`. */
  source: string;
  pvs: V1PersistentVolume[];
  pvcs: V1PersistentVolumeClaim[];
  releases: DesiredRelease[];
}

/** What the planner sees of the cluster: only the declared objects' names matter. */
export interface ObservedVolumes {
  pvs: V1PersistentVolume[];
  pvcs: V1PersistentVolumeClaim[];
}

/** A field-level difference; values of secret-looking paths are masked before they get here. */
export interface FieldDiff {
  path: string;
  live?: unknown;
  desired?: unknown;
}

/** Planner options (from Config). */
export interface VolumePlanOptions {
  allowRecreate: boolean;
}

export type VolumeKind = 'PersistentVolume' | 'PersistentVolumeClaim';

/** Identity of a volume object: PVs have no namespace. */
export interface ObjectRef {
  kind: VolumeKind;
  name: string;
  namespace?: string;
}

/**
 * One step of the PV/PVC plan. `create` and `patch` are safe; `rebind` clears a stale claimRef.uid on a Released PV
 * whose claim we are about to (re)create with the same name; `recreate` deletes and creates (immutable drift) and
 * is `blocked` unless the object is unbound and recreation is enabled.
 */
export type VolumeStep =
  | {
      kind: 'create';
      target: string;
      ref: ObjectRef;
      reason: string;
      object: V1PersistentVolume | V1PersistentVolumeClaim;
      /** The live object is Terminating (deleted, held by finalizers): create once it is gone. */
      afterDeletion?: Terminating;
    }
  | { kind: 'patch'; target: string; ref: ObjectRef; reason: string; patch: Record<string, unknown>; diff: FieldDiff[] }
  | { kind: 'rebind'; target: string; ref: ObjectRef; reason: string; patch: Record<string, unknown> }
  | {
      kind: 'recreate';
      target: string;
      ref: ObjectRef;
      reason: string;
      object: V1PersistentVolume | V1PersistentVolumeClaim;
      diff: FieldDiff[];
      blocked?: string;
    };

/** An object marked for deletion that finalizers still hold (`kubectl get` shows it Terminating). */
export interface Terminating {
  since: string;
  finalizers: string[];
}

/** Severity of a check: `error` makes the object Degraded, `warn` only reports. */
export type Severity = 'error' | 'warn';

/** A rule or status finding about one object (or the release). */
export interface Finding {
  rule: string;
  target: string;
  severity: Severity;
  message: string;
}

/** Argo-style sync state per object. */
export type SyncState = 'Synced' | 'OutOfSync' | 'Degraded';

/** One line of the report: an object, its state and why. */
export interface ObjectReport {
  target: string;
  state: SyncState;
  reasons: string[];
  diff?: FieldDiff[];
}

/** `kind/name` or `kind/namespace/name`, the key used in steps, findings and the report. */
export function targetOf(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}
