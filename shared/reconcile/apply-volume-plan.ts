import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { toAppError } from '#shared/errors/index';
import type { KubePort } from '#shared/kube/port';
import type { VolumeStep } from './types';

/** The kube calls the executor makes. */
export type VolumeKube = Pick<
  KubePort,
  | 'getPersistentVolume'
  | 'createPersistentVolume'
  | 'patchPersistentVolume'
  | 'deletePersistentVolume'
  | 'getPersistentVolumeClaim'
  | 'createPersistentVolumeClaim'
  | 'patchPersistentVolumeClaim'
  | 'deletePersistentVolumeClaim'
>;

/** What happened to one step. */
export interface StepOutcome {
  step: VolumeStep;
  outcome: 'applied' | 'skipped' | 'failed' | 'blocked';
  detail?: string;
}

const isPv = (s: VolumeStep) => s.ref.kind === 'PersistentVolume';

async function recreate(kube: VolumeKube, step: Extract<VolumeStep, { kind: 'recreate' }>): Promise<StepOutcome> {
  const { name, namespace = 'default' } = step.ref;
  // Re-read right before the delete: the plan may be seconds old and a job may have bound the volume since.
  const live = isPv(step) ? await kube.getPersistentVolume(name) : await kube.getPersistentVolumeClaim(namespace, name);
  if (live?.status?.phase === 'Bound') return { step, outcome: 'blocked', detail: `${step.ref.kind} became Bound since planning; not recreated` };
  if (live) await (isPv(step) ? kube.deletePersistentVolume(name) : kube.deletePersistentVolumeClaim(namespace, name));
  try {
    if (isPv(step)) await kube.createPersistentVolume(step.object as V1PersistentVolume);
    else await kube.createPersistentVolumeClaim(step.object as V1PersistentVolumeClaim);
  } catch (e) {
    // The delete went through (an unbound object: no data with it); the next run's plan sees it missing and creates it.
    return { step, outcome: 'failed', detail: `deleted, but create failed (the next run creates it): ${toAppError(e).message}` };
  }
  return { step, outcome: 'applied', detail: 'deleted and created' };
}

async function applyOne(kube: VolumeKube, step: VolumeStep): Promise<StepOutcome> {
  const { name, namespace = 'default' } = step.ref;
  switch (step.kind) {
    case 'create': {
      const r = isPv(step) ? await kube.createPersistentVolume(step.object as V1PersistentVolume) : await kube.createPersistentVolumeClaim(step.object as V1PersistentVolumeClaim);
      return { step, outcome: 'applied', ...(r.created ? {} : { detail: 'already existed (created concurrently)' }) };
    }
    case 'patch':
    case 'rebind':
      if (isPv(step)) await kube.patchPersistentVolume(name, step.patch);
      else await kube.patchPersistentVolumeClaim(namespace, name, step.patch);
      return { step, outcome: 'applied' };
    case 'recreate':
      return step.blocked ? { step, outcome: 'blocked', detail: step.blocked } : recreate(kube, step);
  }
}

/**
 * Perform a volume plan in order. Blocked steps are reported, never run; `dryRun` skips everything else. A failing
 * step is recorded and the rest still run (they are independent or converge on the next run); errors carry the
 * port's message (no object bodies, which is where secrets could hide).
 */
export async function applyVolumePlan(kube: VolumeKube, steps: VolumeStep[], opts: { dryRun: boolean }): Promise<StepOutcome[]> {
  const out: StepOutcome[] = [];
  for (const step of steps) {
    if (step.kind === 'recreate' && step.blocked) {
      out.push({ step, outcome: 'blocked', detail: step.blocked });
      continue;
    }
    if (opts.dryRun) {
      out.push({ step, outcome: 'skipped', detail: 'dry run' });
      continue;
    }
    try {
      out.push(await applyOne(kube, step));
    } catch (e) {
      out.push({ step, outcome: 'failed', detail: toAppError(e).message });
    }
  }
  return out;
}
