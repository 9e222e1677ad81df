import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { toAppError } from '#shared/errors/index';
import type { KubePort } from '#shared/kube/port';
import type { Clock } from '#shared/runtime/clock';
import { terminating } from './plan-volumes';
import type { Terminating, VolumeStep } from './types';

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
  /** The error behind a `failed` outcome (kept out of reports; findings read its status). */
  error?: unknown;
}

/** How long a recreate waits for the deleted object to be gone (RECONCILE_DELETE_WAIT_SECONDS) and how it polls. */
export interface DeleteWait {
  clock: Clock;
  timeoutMs: number;
  /** First poll interval (default 250 ms), doubling up to 5 s. */
  pollMs?: number;
}

export interface ApplyVolumeOptions {
  dryRun: boolean;
  /** Without it, a Terminating object is reported and nothing waits (plan-only callers). */
  wait?: DeleteWait;
}

const isPv = (s: VolumeStep) => s.ref.kind === 'PersistentVolume';
type Vol = V1PersistentVolume | V1PersistentVolumeClaim;

const read = (kube: VolumeKube, step: VolumeStep): Promise<Vol | undefined> =>
  isPv(step) ? kube.getPersistentVolume(step.ref.name) : kube.getPersistentVolumeClaim(step.ref.namespace ?? 'default', step.ref.name);

/** Poll until the object is gone; undefined when it is, else what still holds it at the deadline. */
async function waitGone(kube: VolumeKube, step: VolumeStep, w: DeleteWait | undefined, first?: Vol): Promise<Terminating | undefined> {
  let live = first ?? (await read(kube, step));
  if (!live) return undefined;
  if (w) {
    const deadline = w.clock.now().getTime() + w.timeoutMs;
    for (let wait = w.pollMs ?? 250; live && w.clock.now().getTime() + wait <= deadline; wait = Math.min(wait * 2, 5_000)) {
      await w.clock.sleep(wait);
      live = await read(kube, step);
    }
  }
  return live ? (terminating(live) ?? { since: '(not marked for deletion)', finalizers: live.metadata?.finalizers ?? [] }) : undefined;
}

/** Why a deleted object is still there, for the report: the finalizers and what they wait for. */
function stillThere(step: VolumeStep, t: Terminating, w: DeleteWait | undefined): string {
  const why = t.finalizers.includes('kubernetes.io/pvc-protection')
    ? ' — a pod still mounts the claim'
    : t.finalizers.includes('kubernetes.io/pv-protection')
      ? ' — the volume is still Bound to a claim'
      : '';
  const waited = w ? ` after ${Math.round(w.timeoutMs / 1000)} s` : '';
  return `${step.ref.kind} ${step.ref.name} is still Terminating${waited} (finalizers: ${t.finalizers.join(', ') || 'none'}${why}); not created yet — the next run creates it once it is gone`;
}

async function create(kube: VolumeKube, step: VolumeStep & { object: Vol }): Promise<boolean> {
  const r = isPv(step) ? await kube.createPersistentVolume(step.object as V1PersistentVolume) : await kube.createPersistentVolumeClaim(step.object as V1PersistentVolumeClaim);
  return r.created;
}

async function recreate(kube: VolumeKube, step: Extract<VolumeStep, { kind: 'recreate' }>, w: DeleteWait | undefined): Promise<StepOutcome> {
  const { name, namespace = 'default' } = step.ref;
  // Re-read right before the delete: the plan may be seconds old and a job may have bound the volume since.
  const live = await read(kube, step);
  if (live?.status?.phase === 'Bound' && !terminating(live)) return { step, outcome: 'blocked', detail: `${step.ref.kind} became Bound since planning; not recreated` };
  if (live && !terminating(live)) await (isPv(step) ? kube.deletePersistentVolume(name) : kube.deletePersistentVolumeClaim(namespace, name));
  // A delete only marks an object with finalizers; creating before it is gone would find the old one (409).
  const held = live ? await waitGone(kube, step, w) : undefined;
  if (held) return { step, outcome: 'blocked', detail: `deleted, but ${stillThere(step, held, w)}` };
  let created: boolean;
  try {
    created = await create(kube, step);
  } catch (e) {
    // The delete went through (an unbound object: no data with it); the next run's plan sees it missing and creates it.
    return { step, outcome: 'failed', detail: `deleted, but create failed (the next run creates it): ${toAppError(e).message}`, error: e };
  }
  // Another run may create it between "gone" and our create (409 → the port's created: false): its spec, not
  // necessarily ours — the next run's plan diffs it.
  return { step, outcome: 'applied', detail: created ? 'deleted, gone, created' : 'deleted, gone; already existed (created concurrently)' };
}

async function applyOne(kube: VolumeKube, step: VolumeStep, w: DeleteWait | undefined): Promise<StepOutcome> {
  const { name, namespace = 'default' } = step.ref;
  switch (step.kind) {
    case 'create': {
      if (step.afterDeletion) {
        const held = await waitGone(kube, step, w);
        if (held) return { step, outcome: 'blocked', detail: stillThere(step, held, w) };
      }
      const created = await create(kube, step);
      return { step, outcome: 'applied', ...(created ? (step.afterDeletion ? { detail: 'the Terminating object is gone; created' } : {}) : { detail: 'already existed (created concurrently)' }) };
    }
    case 'patch':
    case 'rebind':
      if (isPv(step)) await kube.patchPersistentVolume(name, step.patch);
      else await kube.patchPersistentVolumeClaim(namespace, name, step.patch);
      return { step, outcome: 'applied' };
    case 'recreate':
      return step.blocked ? { step, outcome: 'blocked', detail: step.blocked } : recreate(kube, step, w);
  }
}

/**
 * Perform a volume plan in order. Blocked steps are reported, never run; `dryRun` skips everything else. A recreate
 * is delete → wait until the object is gone (bounded by `wait`) → create; an object still Terminating at the deadline
 * is reported with its finalizers and created by a later run. A failing step is recorded and the rest still run
 * (they are independent or converge on the next run); errors carry the port's message (no object bodies, which is
 * where secrets could hide).
 */
export async function applyVolumePlan(kube: VolumeKube, steps: VolumeStep[], opts: ApplyVolumeOptions): Promise<StepOutcome[]> {
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
      out.push(await applyOne(kube, step, opts.wait));
    } catch (e) {
      out.push({ step, outcome: 'failed', detail: toAppError(e).message, error: e });
    }
  }
  return out;
}
