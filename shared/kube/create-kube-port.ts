import type { CoreV1Api, CoreV1Event, CustomObjectsApi, V1ConfigMap, V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1Secret } from '@kubernetes/client-node';
import { isAppError } from '#shared/errors/index';
import { retry } from '#shared/runtime/retry';
import { kubeReason, kubeStatusCode, toKubeError, type KubeOp } from './kube-error';
import { IMAGECACHE_GROUP, IMAGECACHE_PLURAL, IMAGECACHE_VERSION, type Created, type ImageCache, type KubePort, type KubePortOptions, type MergePatch } from './port';

interface Clients {
  core: CoreV1Api;
  custom: CustomObjectsApi;
}

/** Per-call client-node options: a timeout signal and, for patches, the Content-Type
 * (https://github.com/kubernetes-client/javascript/blob/1.4.0/examples/typescript/patch/patch-example.ts). */
type CallOptions = Parameters<CoreV1Api['listPersistentVolume']>[1];

const MERGE_PATCH = 'application/merge-patch+json';
const IC = { group: IMAGECACHE_GROUP, version: IMAGECACHE_VERSION, plural: IMAGECACHE_PLURAL };

/**
 * Build the KubePort over @kubernetes/client-node 1.4 (loaded on first use, so cold starts that never touch the
 * cluster skip its ~3 MB). A kubeconfig function is re-read per call; clients are rebuilt only when it changes.
 * @example const kube = createKubePort({ kubeconfigYaml: () => source.get(), timeoutMs: config.KUBE_TIMEOUT_MS });
 */
export function createKubePort(opts: KubePortOptions): KubePort {
  const calls: Record<string, number> = {};
  let built: { yaml: string; clients: Promise<Clients> } | undefined;

  const clients = async (): Promise<Clients> => {
    const yaml = typeof opts.kubeconfigYaml === 'string' ? opts.kubeconfigYaml : await opts.kubeconfigYaml();
    if (built?.yaml !== yaml) {
      const p = import('@kubernetes/client-node').then((k8s) => {
        const kc = new k8s.KubeConfig();
        kc.loadFromString(yaml);
        return { core: kc.makeApiClient(k8s.CoreV1Api), custom: kc.makeApiClient(k8s.CustomObjectsApi) };
      });
      p.catch(() => (built = undefined)); // a bad kubeconfig must not stick for the warm instance
      built = { yaml, clients: p };
    }
    return built.clients;
  };

  // The object-param API runs middleware as client-node's rxjs stub observables (`{ toPromise }`), as its own
  // setHeaderOptions does; a plain promise middleware fails with "toPromise is not a function".
  const observable = <T>(v: T) => ({ toPromise: () => Promise.resolve(v) });
  const options = (contentType?: string): CallOptions => {
    const pre = (ctx: { setSignal(s: AbortSignal): void; setHeaderParam(k: string, v: string): void }) => {
      if (opts.timeoutMs) ctx.setSignal(AbortSignal.timeout(opts.timeoutMs));
      if (contentType) ctx.setHeaderParam('Content-Type', contentType);
      return observable(ctx);
    };
    return { middleware: [{ pre, post: observable }], middlewareMergeStrategy: 'append' } as unknown as CallOptions;
  };

  /**
   * One API call with counting, error mapping and bounded retries (every call we make is idempotent). `conflictFinal`:
   * a 409 Conflict is the caller's to handle (a PUT with a stale resourceVersion fails the same way every time).
   */
  const call = <T>(op: KubeOp, fn: (c: Clients, o: CallOptions) => Promise<T>, contentType?: string, conflictFinal = false): Promise<T> =>
    retry(
      async () => {
        const key = `${op.verb} ${op.resource}`;
        calls[key] = (calls[key] ?? 0) + 1;
        try {
          return await fn(await clients(), options(contentType));
        } catch (e) {
          const err = toKubeError(e, op);
          if (kubeStatusCode(err) === 401) opts.onUnauthorized?.();
          throw err;
        }
      },
      {
        attempts: opts.attempts ?? 3,
        baseMs: opts.retryBaseMs ?? 200,
        ...(opts.clock ? { clock: opts.clock } : {}),
        ...(conflictFinal ? { isRetryable: (e: unknown) => isAppError(e) && e.retryable && kubeStatusCode(e) !== 409 } : {}),
      },
    );

  const orUndefined = async <T>(p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch (e) {
      if (kubeStatusCode(e) === 404) return undefined;
      throw e;
    }
  };

  const tolerate404 = async (p: Promise<unknown>): Promise<void> => {
    await orUndefined(p);
  };

  /** Create, or on AlreadyExists read what is there (create-if-absent). */
  const createIfAbsent = async <T>(create: () => Promise<T>, read: () => Promise<T | undefined>): Promise<Created<T>> => {
    try {
      return { object: await create(), created: true };
    } catch (e) {
      if (kubeReason(e) !== 'AlreadyExists') throw e;
      const object = await read();
      if (object === undefined) throw e; // deleted in between: surface the original error
      return { object, created: false };
    }
  };

  const port: KubePort = {
    calls,
    listImageCaches: async (labelSelector) => {
      const list = (await call({ verb: 'list', resource: IMAGECACHE_PLURAL }, (c, o) => c.custom.listClusterCustomObject({ ...IC, ...(labelSelector ? { labelSelector } : {}) }, o))) as { items?: ImageCache[] };
      return list.items ?? [];
    },
    getImageCache: (name) => orUndefined(call({ verb: 'get', resource: IMAGECACHE_PLURAL, name }, (c, o) => c.custom.getClusterCustomObject({ ...IC, name }, o) as Promise<ImageCache>)),
    createImageCache: async (ic) => {
      const name = ic.metadata.name;
      const r = await createIfAbsent(
        () => call({ verb: 'create', resource: IMAGECACHE_PLURAL, name }, (c, o) => c.custom.createClusterCustomObject({ ...IC, body: ic }, o) as Promise<ImageCache>),
        () => port.getImageCache(name),
      );
      return r.object;
    },
    deleteImageCache: (name) => tolerate404(call({ verb: 'delete', resource: IMAGECACHE_PLURAL, name }, (c, o) => c.custom.deleteClusterCustomObject({ ...IC, name }, o))),

    listPersistentVolumes: async (labelSelector) =>
      (await call({ verb: 'list', resource: 'persistentvolumes' }, (c, o) => c.core.listPersistentVolume(labelSelector ? { labelSelector } : {}, o))).items,
    getPersistentVolume: (name) => orUndefined(call({ verb: 'get', resource: 'persistentvolumes', name }, (c, o) => c.core.readPersistentVolume({ name }, o))),
    createPersistentVolume: (pv: V1PersistentVolume) => {
      const name = pv.metadata?.name ?? '';
      return createIfAbsent(
        () => call({ verb: 'create', resource: 'persistentvolumes', name }, (c, o) => c.core.createPersistentVolume({ body: pv }, o)),
        () => port.getPersistentVolume(name),
      );
    },
    patchPersistentVolume: (name, patch: MergePatch) =>
      call({ verb: 'patch', resource: 'persistentvolumes', name }, (c, o) => c.core.patchPersistentVolume({ name, body: patch }, o), MERGE_PATCH),
    deletePersistentVolume: (name) => tolerate404(call({ verb: 'delete', resource: 'persistentvolumes', name }, (c, o) => c.core.deletePersistentVolume({ name }, o))),

    listPersistentVolumeClaims: async (namespace, labelSelector) => {
      const sel = labelSelector ? { labelSelector } : {};
      const list = await call({ verb: 'list', resource: 'persistentvolumeclaims', ...(namespace ? { namespace } : {}) }, (c, o) =>
        namespace ? c.core.listNamespacedPersistentVolumeClaim({ namespace, ...sel }, o) : c.core.listPersistentVolumeClaimForAllNamespaces(sel, o),
      );
      return list.items;
    },
    getPersistentVolumeClaim: (namespace, name) =>
      orUndefined(call({ verb: 'get', resource: 'persistentvolumeclaims', namespace, name }, (c, o) => c.core.readNamespacedPersistentVolumeClaim({ namespace, name }, o))),
    createPersistentVolumeClaim: (pvc: V1PersistentVolumeClaim) => {
      const namespace = pvc.metadata?.namespace ?? 'default';
      const name = pvc.metadata?.name ?? '';
      return createIfAbsent(
        () => call({ verb: 'create', resource: 'persistentvolumeclaims', namespace, name }, (c, o) => c.core.createNamespacedPersistentVolumeClaim({ namespace, body: pvc }, o)),
        () => port.getPersistentVolumeClaim(namespace, name),
      );
    },
    patchPersistentVolumeClaim: (namespace, name, patch) =>
      call({ verb: 'patch', resource: 'persistentvolumeclaims', namespace, name }, (c, o) => c.core.patchNamespacedPersistentVolumeClaim({ namespace, name, body: patch }, o), MERGE_PATCH),
    deletePersistentVolumeClaim: (namespace, name) =>
      tolerate404(call({ verb: 'delete', resource: 'persistentvolumeclaims', namespace, name }, (c, o) => c.core.deleteNamespacedPersistentVolumeClaim({ namespace, name }, o))),

    listSecrets: async (namespace, labelSelector): Promise<V1Secret[]> =>
      (await call({ verb: 'list', resource: 'secrets', namespace }, (c, o) => c.core.listNamespacedSecret({ namespace, ...(labelSelector ? { labelSelector } : {}) }, o))).items,
    listEvents: async (namespace, fieldSelector): Promise<CoreV1Event[]> =>
      (await call({ verb: 'list', resource: 'events', namespace }, (c, o) => c.core.listNamespacedEvent({ namespace, ...(fieldSelector ? { fieldSelector } : {}) }, o))).items,

    getConfigMap: (namespace, name) => orUndefined(call({ verb: 'get', resource: 'configmaps', namespace, name }, (c, o) => c.core.readNamespacedConfigMap({ namespace, name }, o))),
    createConfigMap: (cm: V1ConfigMap) => {
      const namespace = cm.metadata?.namespace ?? 'default';
      const name = cm.metadata?.name ?? '';
      return createIfAbsent(
        () => call({ verb: 'create', resource: 'configmaps', namespace, name }, (c, o) => c.core.createNamespacedConfigMap({ namespace, body: cm }, o)),
        () => port.getConfigMap(namespace, name),
      );
    },
    replaceConfigMap: (namespace, name, cm) =>
      call({ verb: 'update', resource: 'configmaps', namespace, name }, (c, o) => c.core.replaceNamespacedConfigMap({ namespace, name, body: cm }, o), undefined, true),

    createPod: (pod: V1Pod) => {
      const namespace = pod.metadata?.namespace ?? 'default';
      const name = pod.metadata?.name ?? '';
      return createIfAbsent(
        () => call({ verb: 'create', resource: 'pods', namespace, name }, (c, o) => c.core.createNamespacedPod({ namespace, body: pod }, o)),
        () => port.getPod(namespace, name),
      );
    },
    getPod: (namespace, name) => orUndefined(call({ verb: 'get', resource: 'pods', namespace, name }, (c, o) => c.core.readNamespacedPod({ namespace, name }, o))),
    listPods: async (namespace, labelSelector) =>
      (await call({ verb: 'list', resource: 'pods', namespace }, (c, o) => c.core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) }, o))).items,
    deletePod: (namespace, name, gracePeriodSeconds) =>
      tolerate404(call({ verb: 'delete', resource: 'pods', namespace, name }, (c, o) => c.core.deleteNamespacedPod({ namespace, name, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) }, o))),
    podLog: (namespace, name, lo = {}) =>
      orUndefined(call({ verb: 'get', resource: 'pods/log', namespace, name }, (c, o) => c.core.readNamespacedPodLog({ namespace, name, ...lo }, o))),
  };
  return port;
}
