import type { CoreV1Event } from '@kubernetes/client-node';
import type { KubePort } from '#shared/kube/port';
import { applyVolumePlan, type StepOutcome, type VolumeKube } from './apply-volume-plan';
import { checkVolumeRules } from './check-volume-rules';
import { anyPending, checkVolumeStatus } from './check-volume-status';
import { planVolumes } from './plan-volumes';
import type { DesiredState, Finding, ObservedVolumes } from './types';

/** Kube calls of the volume half. */
export type VolumesKube = VolumeKube & Pick<KubePort, 'listPersistentVolumes' | 'listPersistentVolumeClaims' | 'listEvents'>;

export interface VolumeReconcileOptions {
  /** Perform safe steps (RECONCILE_APPLY and not dryRun). */
  apply: boolean;
  allowRecreate: boolean;
  nasCapacity: string;
  pendingMinutes: number;
  now: Date;
}

export interface VolumeReconcileResult {
  outcomes: StepOutcome[];
  findings: Finding[];
  /** The cluster after the apply (what the status checks and the runner doctor saw). */
  observed: ObservedVolumes;
}

/**
 * One list of PVs and one list of PVCs per declared namespace — whatever the number of objects — then the pure
 * planner, the executor, and (only when something was applied) one more round of lists for the status checks.
 * Events are listed once per namespace, and only when a declared claim is Pending.
 */
async function observe(kube: VolumesKube, desired: DesiredState): Promise<ObservedVolumes> {
  const namespaces = [...new Set(desired.pvcs.map((c) => c.metadata?.namespace ?? 'default'))].sort();
  const [pvs, ...claims] = await Promise.all([kube.listPersistentVolumes(), ...namespaces.map((ns) => kube.listPersistentVolumeClaims(ns))]);
  return { pvs, pvcs: claims.flat() };
}

/** Plan, apply and check the declared PV/PVCs. */
export async function reconcileVolumes(kube: VolumesKube, desired: DesiredState, opts: VolumeReconcileOptions): Promise<VolumeReconcileResult> {
  const before = await observe(kube, desired);
  const steps = planVolumes(desired, before, { allowRecreate: opts.allowRecreate });
  const outcomes = await applyVolumePlan(kube, steps, { dryRun: !opts.apply });
  const observed = outcomes.some((o) => o.outcome === 'applied' || o.outcome === 'failed') ? await observe(kube, desired) : before;
  let events: CoreV1Event[] = [];
  if (anyPending(desired, observed)) {
    const namespaces = [...new Set(desired.pvcs.map((c) => c.metadata?.namespace ?? 'default'))].sort();
    events = (await Promise.all(namespaces.map((ns) => kube.listEvents(ns)))).flat();
  }
  const findings = [
    ...checkVolumeRules(desired, { nasCapacity: opts.nasCapacity }),
    ...checkVolumeStatus(desired, observed, events, { now: opts.now, pendingMinutes: opts.pendingMinutes }),
  ];
  return { outcomes, findings, observed };
}
