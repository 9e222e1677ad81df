import type { ImageCache } from '#shared/kube/port';
import type { ImageCachePlan } from './types';

const DAY = 86_400_000;

/**
 * The cluster after an ideal apply, in memory: created caches become Ready (or Failed when `fails` says so), then
 * superseded caches go whose `after` caches are all Ready — the executor's rules without the waiting. Used by the
 * planner's property tests and the bench; never by the worker.
 */
export function simulateApply(plan: ImageCachePlan, observed: readonly ImageCache[], now: Date, fails: (images: string[]) => boolean = () => false): ImageCache[] {
  const out = new Map(observed.map((ic) => [ic.metadata.name, structuredClone(ic)]));
  const iso = now.toISOString();
  for (const s of plan.steps) {
    if ((s.kind !== 'create' && s.kind !== 'refresh') || out.has(s.target)) continue;
    const ic = structuredClone(s.manifest);
    const failed = fails(ic.spec.images);
    const days = ic.spec.retentionDays ?? 0;
    ic.metadata.creationTimestamp = iso as unknown as Date;
    ic.status = failed
      ? { phase: 'Failed', startTime: iso, events: [{ type: 'Warning', message: 'Failed to pull image', metadata: { name: ic.spec.images[0] ?? '' }, count: 1, firstTimestamp: iso, lastTimestamp: iso }], expireDateTime: new Date(now.getTime() + DAY).toISOString() }
      : { phase: 'Ready', progress: '100%', startTime: iso, ...(days ? { expireDateTime: new Date(now.getTime() + days * DAY).toISOString() } : {}) };
    out.set(ic.metadata.name, ic);
  }
  for (const s of plan.steps) {
    if (s.kind !== 'delete-superseded') continue;
    if (s.after.every((n) => out.get(n)?.status?.phase === 'Ready')) out.delete(s.target);
  }
  return [...out.values()];
}
