import type { CoreV1Event, V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { KubePort } from '#shared/kube/port';
import type { Clock } from '#shared/runtime/clock';
import { applyVolumePlan, type StepOutcome, type VolumeKube } from './apply-volume-plan';
import { checkVolumeRules } from './check-volume-rules';
import { checkVolumeStatus, pendingClaims } from './check-volume-status';
import { forbiddenFinding, orForbidden } from '#shared/kube/forbidden';
import { planVolumes } from './plan-volumes';
import { targetOf, type DesiredState, type Finding, type ObservedVolumes } from './types';

/** Kube calls of the volume half. */
export type VolumesKube = VolumeKube & Pick<KubePort, 'listPersistentVolumes' | 'listPersistentVolumeClaims' | 'listEvents'>;

export interface VolumeReconcileOptions {
  /** Perform safe steps (RECONCILE_APPLY and not dryRun). */
  apply: boolean;
  allowRecreate: boolean;
  nasCapacity: string;
  pendingMinutes: number;
  now: Date;
  /** How long a recreate waits for the deleted object to go (RECONCILE_DELETE_WAIT_SECONDS), on this clock. */
  deleteWait?: { clock: Clock; timeoutMs: number; pollMs?: number };
}

export interface VolumeReconcileResult {
  outcomes: StepOutcome[];
  findings: Finding[];
  /** The cluster after the apply (what the status checks and the runner doctor saw). */
  observed: ObservedVolumes;
}

const nsOf = (c: V1PersistentVolumeClaim) => c.metadata?.namespace ?? 'default';

/**
 * One list of PVs and one list of PVCs per declared namespace — whatever the number of objects. A list the
 * functions may not read (403) becomes a finding on every declared object it would have shown, and those objects
 * are left out of the plan: never create what might exist but cannot be seen.
 */
async function observe(kube: VolumesKube, desired: DesiredState, findings: Finding[]): Promise<{ observed: ObservedVolumes; desired: DesiredState }> {
  const namespaces = [...new Set(desired.pvcs.map(nsOf))].sort();
  const local: Finding[] = [];
  const pvTarget = desired.pvs[0] ? targetOf({ kind: 'PersistentVolume', name: desired.pvs[0].metadata?.name ?? '' }) : 'PersistentVolume/*';
  const [pvs, ...claims] = await Promise.all([
    orForbidden(kube.listPersistentVolumes(), pvTarget, local),
    ...namespaces.map((ns) => orForbidden(kube.listPersistentVolumeClaims(ns), `PersistentVolumeClaim/${ns}/*`, local)),
  ]);
  const blind = new Set(namespaces.filter((_, i) => claims[i] === undefined));
  // Spread each forbidden list's finding onto the declared objects it hides, so every report line says why.
  for (const f of local) {
    const hidden: string[] = f.target.startsWith('PersistentVolume/')
      ? desired.pvs.map((p) => targetOf({ kind: 'PersistentVolume', name: p.metadata?.name ?? '' }))
      : desired.pvcs.filter((c) => `PersistentVolumeClaim/${nsOf(c)}/*` === f.target).map((c) => targetOf({ kind: 'PersistentVolumeClaim', name: c.metadata?.name ?? '', namespace: nsOf(c) }));
    findings.push(...(hidden.length ? hidden.map((target) => ({ ...f, target })) : [f]));
  }
  const visible: DesiredState = { ...desired, pvs: pvs ? desired.pvs : [], pvcs: desired.pvcs.filter((c) => !blind.has(nsOf(c))) };
  return { observed: { pvs: (pvs ?? []) as V1PersistentVolume[], pvcs: claims.flatMap((c) => c ?? []) }, desired: visible };
}

/**
 * The binder's events about the declared claims that are Pending: one list per claim with a field selector on the
 * claim (involvedObject.kind/name), never the whole namespace's events.
 */
async function claimEvents(kube: VolumesKube, claims: V1PersistentVolumeClaim[], findings: Finding[]): Promise<CoreV1Event[]> {
  const lists = await Promise.all(
    claims.map((c) => {
      const name = c.metadata?.name ?? '';
      const target = targetOf({ kind: 'PersistentVolumeClaim', name, namespace: nsOf(c) });
      return orForbidden(kube.listEvents(nsOf(c), `involvedObject.kind=PersistentVolumeClaim,involvedObject.name=${name}`), target, findings);
    }),
  );
  return lists.flatMap((l) => l ?? []);
}

/** Plan, apply and check the declared PV/PVCs. */
export async function reconcileVolumes(kube: VolumesKube, desired: DesiredState, opts: VolumeReconcileOptions): Promise<VolumeReconcileResult> {
  const findings: Finding[] = [];
  const before = await observe(kube, desired, findings);
  const steps = planVolumes(before.desired, before.observed, { allowRecreate: opts.allowRecreate });
  const outcomes = await applyVolumePlan(kube, steps, { dryRun: !opts.apply, ...(opts.deleteWait ? { wait: opts.deleteWait } : {}) });
  // A step refused with 403 is a finding too (the step line already says it failed).
  for (const o of outcomes) {
    const f = o.outcome === 'failed' ? forbiddenFinding(o.error, o.step.target) : undefined;
    if (f) findings.push(f);
  }
  const observed = outcomes.some((o) => o.outcome === 'applied' || o.outcome === 'failed') ? (await observe(kube, desired, [])).observed : before.observed;
  const events = await claimEvents(kube, pendingClaims(before.desired, observed), findings);
  findings.push(...checkVolumeRules(desired, { nasCapacity: opts.nasCapacity }), ...checkVolumeStatus(before.desired, observed, events, { now: opts.now, pendingMinutes: opts.pendingMinutes }));
  return { outcomes, findings, observed };
}
