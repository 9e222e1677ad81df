import type { ResourceType } from './resources';
import type { KubeObject, KubeStore } from './store';

/**
 * Graceful deletion as the apiserver's generic registry does it (staging/src/k8s.io/apiserver/pkg/registry/generic/
 * registry/store.go): an object with finalizers is not removed; DELETE sets `metadata.deletionTimestamp` (and
 * `deletionGracePeriodSeconds: 0`) and the object stays — `kubectl get` shows it Terminating — until the last
 * finalizer is removed by an update, which then removes it. Objects without finalizers go at once.
 */
const ts = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
export const finalizersOf = (o: KubeObject): string[] => (o.metadata.finalizers as string[] | undefined) ?? [];

/** DELETE of one object: `{ gone: true }` when it was removed, else the object now marked for deletion. */
export function deleteOrMark(store: KubeStore, t: ResourceType, o: KubeObject): { gone: boolean; object: KubeObject } {
  if (finalizersOf(o).length === 0) return { gone: true, object: store.delete(t.plural, o.metadata.name, o.metadata.namespace) ?? o };
  if (o.metadata.deletionTimestamp) return { gone: false, object: o };
  const marked = store.put({ ...o, metadata: { ...o.metadata, deletionTimestamp: ts(store.now()), deletionGracePeriodSeconds: 0 } });
  return { gone: false, object: marked };
}

/** After an update: a deleting object whose finalizers are all gone is removed (returns true). */
export function removeIfFinalized(store: KubeStore, t: ResourceType, o: KubeObject): boolean {
  if (!o.metadata.deletionTimestamp || finalizersOf(o).length) return false;
  store.delete(t.plural, o.metadata.name, o.metadata.namespace);
  return true;
}

/** A controller removes its finalizer (an update through the store), and the object goes if it was the last. */
export function removeFinalizer(store: KubeStore, t: ResourceType, o: KubeObject, f: string): void {
  const next = store.put({ ...o, metadata: { ...o.metadata, finalizers: finalizersOf(o).filter((x) => x !== f) } });
  removeIfFinalized(store, t, next);
}
