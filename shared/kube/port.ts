import type { Clock } from '#shared/runtime/clock';
import type { CoreV1Event, V1ConfigMap, V1ObjectMeta, V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1Secret } from '@kubernetes/client-node';

/**
 * ImageCache CRD coordinates (https://www.alibabacloud.com/help/en/eci/user-guide/kubernetes-imagecache-api):
 * cluster-scoped, with a status subresource.
 */
export const IMAGECACHE_GROUP = 'eci.alibabacloud.com';
export const IMAGECACHE_VERSION = 'v1';
export const IMAGECACHE_PLURAL = 'imagecaches';

/**
 * One entry of `status.events`: a core/v1 Event named after the image, as Alibaba documents it
 * (https://alibabacloud.com/help/en/eci/user-guide/kubernetes-imagecache-api): `{count, eventTime: null,
 * firstTimestamp, lastTimestamp, involvedObject: {}, message, metadata: {name: <image>}, source: {component, host},
 * type}`. `reason` and `timestamp` are not in Alibaba's sample; read when present.
 */
export interface ImageCacheEvent {
  type?: string;
  message?: string;
  metadata?: { name?: string };
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  involvedObject?: Record<string, unknown>;
  source?: { component?: string; host?: string };
  reason?: string;
  timestamp?: string;
}

/**
 * `imagecaches.eci.alibabacloud.com/v1`. Only phase `Ready` is documented; read status through
 * shared/imagecache/cache-status.ts (a non-Ready cache with expireDateTime has failed, whatever its phase string).
 */
export interface ImageCache {
  apiVersion: 'eci.alibabacloud.com/v1';
  kind: 'ImageCache';
  metadata: V1ObjectMeta & { name: string };
  spec: {
    images: string[];
    /** `namespace:secretName` pairs. */
    imagePullSecrets?: string[];
    /** GiB, 20–32768. */
    imageCacheSize?: number;
    retentionDays?: number;
  };
  status?: {
    phase?: string;
    progress?: string;
    imageCacheId?: string;
    events?: ImageCacheEvent[];
    expireDateTime?: string;
    startTime?: string;
    lastUpdatedTime?: string;
  };
}

/** Result of a create-if-absent call: the object as the server holds it, and whether this call created it. */
export interface Created<T> {
  object: T;
  created: boolean;
}

/** A JSON merge patch (RFC 7386): `null` deletes a key. */
export type MergePatch = Record<string, unknown>;

/**
 * The Kubernetes calls the ops-worker makes, and nothing more. Errors are AppError `KUBE_API` with
 * `details: { status, reason, verb, resource, name? }`; reads and create-if-absent / delete calls are retried on
 * 409 Conflict, 429, 5xx and connection errors. Deletes tolerate 404. `calls` counts requests per
 * `"<verb> <resource>"` (e.g. `"list imagecaches"`) so tests can assert a constant number of list calls.
 */
export interface KubePort {
  listImageCaches(labelSelector?: string): Promise<ImageCache[]>;
  /** undefined when absent. */
  getImageCache(name: string): Promise<ImageCache | undefined>;
  /** Create-if-absent: on AlreadyExists returns the existing object. */
  createImageCache(ic: ImageCache): Promise<ImageCache>;
  deleteImageCache(name: string): Promise<void>;

  listPersistentVolumes(labelSelector?: string): Promise<V1PersistentVolume[]>;
  getPersistentVolume(name: string): Promise<V1PersistentVolume | undefined>;
  createPersistentVolume(pv: V1PersistentVolume): Promise<Created<V1PersistentVolume>>;
  /** Merge patch; a change to the volume source fails with 422 (status 422, reason Invalid). */
  patchPersistentVolume(name: string, patch: MergePatch): Promise<V1PersistentVolume>;
  deletePersistentVolume(name: string): Promise<void>;

  /** All namespaces when `namespace` is undefined. */
  listPersistentVolumeClaims(namespace?: string, labelSelector?: string): Promise<V1PersistentVolumeClaim[]>;
  getPersistentVolumeClaim(namespace: string, name: string): Promise<V1PersistentVolumeClaim | undefined>;
  createPersistentVolumeClaim(pvc: V1PersistentVolumeClaim): Promise<Created<V1PersistentVolumeClaim>>;
  patchPersistentVolumeClaim(namespace: string, name: string, patch: MergePatch): Promise<V1PersistentVolumeClaim>;
  deletePersistentVolumeClaim(namespace: string, name: string): Promise<void>;

  listSecrets(namespace: string, labelSelector?: string): Promise<V1Secret[]>;
  /** e.g. fieldSelector `involvedObject.name=gitlab-runner-cache-pvc`. */
  listEvents(namespace: string, fieldSelector?: string): Promise<CoreV1Event[]>;

  /** undefined when absent. */
  getConfigMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
  /** Create-if-absent: on AlreadyExists returns the existing object with `created: false`. */
  createConfigMap(cm: V1ConfigMap): Promise<Created<V1ConfigMap>>;
  /**
   * PUT with the object's `metadata.resourceVersion`: a stale one fails with 409 Conflict, which is NOT retried here
   * (replaying the same stale version cannot succeed) — the caller re-reads and merges (optimistic concurrency).
   */
  replaceConfigMap(namespace: string, name: string, cm: V1ConfigMap): Promise<V1ConfigMap>;

  /** Pods (the restore drill's throwaway pod, docs/adr/0026). Create-if-absent, as the other creates. */
  createPod(pod: V1Pod): Promise<Created<V1Pod>>;
  getPod(namespace: string, name: string): Promise<V1Pod | undefined>;
  listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]>;
  /** Graceful delete (the kubelet stops the containers within `gracePeriodSeconds`); 404 tolerated. */
  deletePod(namespace: string, name: string, gracePeriodSeconds?: number): Promise<void>;
  /** The last lines of a container's log (`pods/log`); undefined when the pod is gone. */
  podLog(namespace: string, name: string, o?: { container?: string; tailLines?: number; limitBytes?: number }): Promise<string | undefined>;

  /** Requests sent, by `"<verb> <resource>"` (retries count). */
  readonly calls: Readonly<Record<string, number>>;
}

/** Options of createKubePort. */
export interface KubePortOptions {
  /** Kubeconfig YAML, or a function returning a fresh one (temporary CS kubeconfigs expire). */
  kubeconfigYaml: string | (() => Promise<string>);
  /** Per-request timeout (KUBE_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Attempts for retryable calls (default 3). */
  attempts?: number;
  /** Backoff base for retries (default 200 ms; tests pass 1). */
  retryBaseMs?: number;
  clock?: Clock;
  /** Called on a 401 (e.g. to drop an expired temporary kubeconfig so the next call fetches a fresh one). */
  onUnauthorized?: () => void;
}
