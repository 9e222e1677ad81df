import { randomBytes } from 'node:crypto';
import type { KubeObject, KubeStore } from './store';

/**
 * Record a core/v1 Event about `obj` the way client-go's recorder does: in the object's namespace (`default` for
 * cluster-scoped objects), and a repeat of the same reason+message bumps `count`/`lastTimestamp` instead of adding one.
 */
export function recordEvent(store: KubeStore, obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
  const ns = obj.metadata.namespace ?? 'default';
  const now = store.now().toISOString().replace(/\.\d+Z$/, 'Z');
  const same = store
    .list('events', ns)
    .find((e) => (e.involvedObject as { uid?: string }).uid === obj.metadata.uid && e.reason === reason && e.message === message);
  if (same) {
    store.put({ ...same, count: Number(same.count ?? 1) + 1, lastTimestamp: now });
    return;
  }
  store.put({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${obj.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
    involvedObject: {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
    },
    reason,
    message,
    source: { component },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: component,
    reportingInstance: '',
  });
}
