import type { V1ConfigMap } from '@kubernetes/client-node';
import { AppError } from '#shared/errors/index';
import { kubeStatusCode } from '#shared/kube/kube-error';
import type { KubePort } from '#shared/kube/port';
import { MANAGED_BY, MANAGED_BY_LABEL } from './cache-identity';
import { decodeData, mergeData, STORE_MAX_BYTES, type ImageSetStore, type StoredProject, type StoreMeta } from './image-set-store';

/** The one ConfigMap (in RUNNER_NAMESPACE) holding every project's last discovered pod sets, `p-<id>` → JSON. */
export const IMAGE_SET_STORE_NAME = 'gitlab-ask-ops-image-sets';

/** Options of kubeImageSetStore. */
export interface KubeImageSetStoreOptions {
  namespace: string;
  name?: string;
  /** Writes attempted before giving up on 409 Conflicts (default 3). */
  attempts?: number;
  maxBytes?: number;
}

/**
 * ImageSetStore over one ConfigMap with optimistic concurrency: read (resourceVersion) → merge our keys → replace;
 * on 409 Conflict (another run wrote in between) re-read, merge only our changed keys again, retry (≤ attempts).
 * So two hook runs for different projects both keep their updates. load() is one GET.
 */
export function kubeImageSetStore(kube: KubePort, o: KubeImageSetStoreOptions): ImageSetStore {
  const name = o.name ?? IMAGE_SET_STORE_NAME;
  const attempts = o.attempts ?? 3;
  return {
    load: async () => decodeData((await kube.getConfigMap(o.namespace, name))?.data),
    save: async (changed: ReadonlyMap<number, StoredProject>, removed: readonly number[], meta?: StoreMeta) => {
      let current = await kube.getConfigMap(o.namespace, name);
      for (let attempt = 1; ; attempt++) {
        const merged = mergeData(current?.data, changed, removed, meta, o.maxBytes ?? STORE_MAX_BYTES);
        const result = merged.overflow ? { bytes: merged.bytes, overflow: true } : { bytes: merged.bytes };
        if (!current) {
          const made = await kube.createConfigMap(configMap(o.namespace, name, merged.data));
          if (made.created) return result;
          current = made.object; // a concurrent run created it first: merge into theirs
        } else {
          try {
            await kube.replaceConfigMap(o.namespace, name, { ...current, data: merged.data });
            return result;
          } catch (e) {
            if (kubeStatusCode(e) !== 409) throw e;
            // Another run wrote in between: re-read and merge only our keys again.
            if (attempt < attempts) current = await kube.getConfigMap(o.namespace, name);
          }
        }
        if (attempt >= attempts) {
          throw new AppError('KUBE_API', `image-set store ${o.namespace}/${name}: still conflicting after ${attempts} writes`, { status: 503, retryable: true });
        }
      }
    },
  };
}

function configMap(namespace: string, name: string, data: Record<string, string>): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY }, annotations: { 'gitlab-ask-ops/purpose': 'prewarm pod image sets per project (ADR 0013)' } },
    data,
  };
}
