import type { CoreV1Event, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { targetOf, type DesiredState, type Finding, type ObservedVolumes } from './types';

/** Options of the status checks. */
export interface VolumeStatusOptions {
  now: Date;
  /** PVC_PENDING_MINUTES. */
  pendingMinutes: number;
}

const ts = (v: unknown): number => (v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN);

/** The binder's words about one claim (VolumeMismatch, FailedBinding, …), newest last, deduplicated. */
function eventsFor(pvc: V1PersistentVolumeClaim, events: CoreV1Event[]): string[] {
  const mine = events.filter(
    (e) => e.involvedObject?.kind === 'PersistentVolumeClaim' && e.involvedObject.name === pvc.metadata?.name && (e.involvedObject.namespace ?? e.metadata?.namespace) === (pvc.metadata?.namespace ?? 'default'),
  );
  return [...new Set(mine.map((e) => `${e.reason ?? 'Event'}: ${e.message ?? ''}`.trim()))];
}

/**
 * Status of the declared objects as the cluster reports it: a claim Pending past the threshold (with the binder's
 * events), a Lost claim (its PV is gone), a Released or Failed PV ("Phase" in
 * https://kubernetes.io/docs/concepts/storage/persistent-volumes/). Pure.
 */
export function checkVolumeStatus(desired: Pick<DesiredState, 'pvs' | 'pvcs'>, observed: ObservedVolumes, events: CoreV1Event[], opts: VolumeStatusOptions): Finding[] {
  const out: Finding[] = [];
  const pvNames = new Set(desired.pvs.map((p) => p.metadata?.name));
  for (const pv of observed.pvs) {
    const name = pv.metadata?.name ?? '';
    if (!pvNames.has(name)) continue;
    const phase = pv.status?.phase;
    const target = targetOf({ kind: 'PersistentVolume', name });
    // Released with a claimRef that carries no uid is reserved for its claim again (a rebind): the PV controller
    // makes it Available, then Bound, on its next pass — not a problem to report.
    if (phase === 'Released' && pv.spec?.claimRef?.uid) out.push({ rule: 'pv-released', target, severity: 'error', message: `Released: its claim ${pv.spec?.claimRef?.namespace ?? 'default'}/${pv.spec?.claimRef?.name ?? '?'} was deleted; the data is kept (Retain) but nothing can mount it until the claim is rebound` });
    if (phase === 'Failed') out.push({ rule: 'pv-failed', target, severity: 'error', message: `Failed: automatic reclamation failed${pv.status?.message ? ` (${pv.status.message})` : ''}` });
  }
  const pvcKeys = new Set(desired.pvcs.map((c) => `${c.metadata?.namespace ?? 'default'}/${c.metadata?.name}`));
  for (const pvc of observed.pvcs) {
    const ns = pvc.metadata?.namespace ?? 'default';
    const name = pvc.metadata?.name ?? '';
    if (!pvcKeys.has(`${ns}/${name}`)) continue;
    const target = targetOf({ kind: 'PersistentVolumeClaim', name, namespace: ns });
    const phase = pvc.status?.phase ?? 'Pending';
    if (phase === 'Lost') out.push({ rule: 'pvc-lost', target, severity: 'error', message: `Lost: its PersistentVolume ${pvc.spec?.volumeName ?? '?'} no longer exists; jobs mounting it fail` });
    if (phase === 'Pending') {
      const since = ts(pvc.metadata?.creationTimestamp);
      const minutes = Number.isNaN(since) ? Infinity : (opts.now.getTime() - since) / 60_000;
      if (minutes >= opts.pendingMinutes) {
        const why = eventsFor(pvc, events);
        out.push({ rule: 'pvc-pending', target, severity: 'error', message: `Pending for ${Number.isFinite(minutes) ? Math.floor(minutes) : '?'} min (threshold ${opts.pendingMinutes})${why.length ? `: ${why.join('; ')}` : ''}` });
      }
    }
  }
  return out;
}

/** The declared claims that are Pending (the caller lists each one's Events with a field selector). */
export function pendingClaims(desired: Pick<DesiredState, 'pvcs'>, observed: ObservedVolumes): V1PersistentVolumeClaim[] {
  const keys = new Set(desired.pvcs.map((c) => `${c.metadata?.namespace ?? 'default'}/${c.metadata?.name}`));
  return observed.pvcs.filter((c) => keys.has(`${c.metadata?.namespace ?? 'default'}/${c.metadata?.name}`) && (c.status?.phase ?? 'Pending') === 'Pending');
}
