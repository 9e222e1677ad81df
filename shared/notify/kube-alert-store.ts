import type { V1ConfigMap } from '@kubernetes/client-node';
import { AppError } from '#shared/errors/index';
import { MANAGED_BY, MANAGED_BY_LABEL } from '#shared/imagecache/cache-identity';
import { kubeStatusCode } from '#shared/kube/kube-error';
import type { KubePort } from '#shared/kube/port';
import type { AlertStore } from './alert-store';
import { decodeAlerts, mergeAlerts } from './alert-store';

/** The one ConfigMap (in RUNNER_NAMESPACE) holding the open findings, `f-<fingerprint>` → JSON (ADR 0023). */
export const ALERT_STORE_NAME = 'gitlab-ask-ops-alerts';

type ConfigMapPort = Pick<KubePort, 'getConfigMap' | 'createConfigMap' | 'replaceConfigMap'>;

/**
 * AlertStore over one ConfigMap with optimistic concurrency, as the image-set store (ADR 0013): read
 * (resourceVersion) → merge our keys → replace; on 409 Conflict re-read, merge again, retry (≤ attempts, default 5). Two runs
 * telling about different findings both keep their entries. `kube` is resolved on first use, so a worker without a
 * cluster configured gets an error here (the notifier then tells without state) instead of at construction.
 */
export function kubeAlertStore(kube: () => ConfigMapPort, o: { namespace: string; name?: string; attempts?: number }): AlertStore {
  const name = o.name ?? ALERT_STORE_NAME;
  const attempts = o.attempts ?? 5;
  return {
    load: async () => decodeAlerts((await kube().getConfigMap(o.namespace, name))?.data),
    async apply(put, remove, now) {
      const k = kube();
      let current = await k.getConfigMap(o.namespace, name);
      for (let attempt = 1; ; attempt++) {
        const data = mergeAlerts(current?.data, put, remove, now);
        if (!current) {
          const made = await k.createConfigMap(configMap(o.namespace, name, data));
          if (made.created) return;
          current = made.object; // another run created it first: merge into theirs
        } else {
          try {
            await k.replaceConfigMap(o.namespace, name, { ...current, data });
            return;
          } catch (e) {
            if (kubeStatusCode(e) !== 409) throw e;
            // Another run wrote in between: a short random pause spreads retries of runs that collided.
            if (attempt < attempts) {
              await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
              current = await k.getConfigMap(o.namespace, name);
            }
          }
        }
        if (attempt >= attempts) throw new AppError('KUBE_API', `alert state ${o.namespace}/${name}: still conflicting after ${attempts} writes`, { status: 503, retryable: true });
      }
    },
  };
}

function configMap(namespace: string, name: string, data: Record<string, string>): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY }, annotations: { 'gitlab-ask-ops/purpose': 'open findings the notifier told about (ADR 0023)' } },
    data,
  };
}
