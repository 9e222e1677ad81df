import { syncProtection } from './protection-controller';
import { syncVolumes } from './pv-binder';
import type { KubeStore, StoreChange } from './store';

/** Options of the PV binder and the protection controllers. */
export interface VolumeControllerOptions {
  /** Run the PV binder (default true). */
  binder?: boolean;
  /** Run the PV/PVC protection controllers (default true). */
  protection?: boolean;
  /**
   * Delay between a change and the controllers' pass (default 20 ms). Real controllers act asynchronously (informer
   * events, a work queue, ~15 s resync), so a write's response never shows their effect; callers and tests wait on
   * the resulting state, never on a time.
   */
  delayMs?: number;
}

const WATCHED = new Set(['persistentvolumes', 'persistentvolumeclaims', 'pods']);

/**
 * Run the binder and the protection controllers asynchronously: a change to a PV, PVC or pod schedules one pass
 * `delayMs` later (changes in between share it); a pass whose own writes change something schedules the next.
 * Returns a stop function that cancels a pending pass.
 */
export function startVolumeControllers(store: KubeStore, o: VolumeControllerOptions = {}): () => void {
  if (o.binder === false && o.protection === false) return () => undefined;
  const delay = o.delayMs ?? 20;
  let timer: NodeJS.Timeout | undefined;
  const pass = () => {
    timer = undefined;
    if (o.binder !== false) syncVolumes(store);
    if (o.protection !== false) syncProtection(store);
  };
  // Writes made by a pass schedule a follow-up pass too (one more look, as a work queue requeues); it converges
  // because a pass writes only what changes.
  const off = store.onChange((c: StoreChange) => {
    if (!WATCHED.has(c.resource.plural) || timer) return;
    timer = setTimeout(pass, delay);
    timer.unref();
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}
