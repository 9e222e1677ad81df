import type { Config } from '#shared/config/index';
import { CS_API_VERSION, createRoaClient, describeClusterUserKubeconfig } from '#shared/cloud/pop/index';
import { createKubeconfigSource } from '#shared/kube/kubeconfig-source';
import { toKubeError } from '#shared/kube/kube-error';
import type { CloudCredentials } from '#shared/runtime/credentials';

/** The read-only Kubernetes calls of `ops doctor`, on the kubeconfig the functions would get. */
export interface KubeProbe {
  /** Where the kubeconfig came from and the API server it names. */
  readonly source: string;
  readonly server: string;
  version(): Promise<string>;
  /** SelfSubjectAccessReview: may this identity `verb` `resource` (in `namespace`)? */
  can(a: { verb: string; resource: string; group: string; namespace?: string }): Promise<{ allowed: boolean; reason?: string }>;
  /** Resource plurals served at `/apis/<group>/<version>` (discovery); undefined when the group version is not served. */
  apiResources(group: string, version: string): Promise<string[] | undefined>;
  /** `GET /api/v1/namespaces/<ns>`: 'exists' | 'missing' | 'forbidden'. */
  namespace(ns: string): Promise<'exists' | 'missing' | 'forbidden'>;
  /** Helm release state Secrets of `release` in `ns` (owner=helm); 'forbidden' when this identity may not list them. */
  helmReleaseSecrets(ns: string, release: string): Promise<number | 'forbidden'>;
}

type K8s = typeof import('@kubernetes/client-node');
const status = (e: unknown): number => Number((e as { code?: unknown }).code ?? -1);

/**
 * The kubeconfig as production gets it (ASK_CLUSTER_ID → CS DescribeClusterUserKubeconfig with the caller's keys,
 * else KUBE_CONFIG, else KUBECONFIG_PATH) and client-node 1.4 clients with a timeout per call. SelfSubjectAccessReview
 * answers for the identity of that kubeconfig: the functions' when the keys are the functions' role's.
 */
export async function createKubeProbe(config: Config, credentials: () => CloudCredentials | undefined): Promise<KubeProbe> {
  const e = config.env;
  const cs = e.ASK_CLUSTER_ID ? createRoaClient({ endpoint: e.CS_ENDPOINT ?? `https://cs.${e.FC_REGION}.aliyuncs.com`, apiVersion: CS_API_VERSION, credentials }) : undefined;
  const source = createKubeconfigSource({
    clusterId: e.ASK_CLUSTER_ID, minutes: 15, kubeConfigBase64: e.KUBE_CONFIG, kubeconfigPath: e.KUBECONFIG_PATH,
    ...(cs ? { fetchUserConfig: (id: string, minutes: number) => describeClusterUserKubeconfig(cs, id, minutes) } : {}),
  });
  const yaml = await source.get();
  const k8s: K8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromString(yaml);
  const observable = <T>(v: T) => ({ toPromise: () => Promise.resolve(v) });
  // client-node's object API runs middleware as its rxjs-like stubs (as shared/kube/create-kube-port.ts does).
  const opts = { middleware: [{ pre: (ctx: { setSignal(s: AbortSignal): void }) => (ctx.setSignal(AbortSignal.timeout(e.KUBE_TIMEOUT_MS)), observable(ctx)), post: observable }], middlewareMergeStrategy: 'append' } as never;
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const authz = kc.makeApiClient(k8s.AuthorizationV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const ver = kc.makeApiClient(k8s.VersionApi);
  const via = e.ASK_CLUSTER_ID ? `CS DescribeClusterUserKubeconfig of ${e.ASK_CLUSTER_ID}` : e.KUBE_CONFIG ? 'KUBE_CONFIG' : `KUBECONFIG_PATH ${e.KUBECONFIG_PATH}`;
  const wrap = async <T>(verb: string, resource: string, p: () => Promise<T>): Promise<T> => {
    try {
      return await p();
    } catch (err) {
      throw toKubeError(err, { verb, resource });
    }
  };
  return {
    source: via,
    server: kc.getCurrentCluster()?.server ?? '(no server)',
    version: async () => (await wrap('get', 'version', () => ver.getCode(undefined, opts))).gitVersion,
    async can(a) {
      // `pods/log` is the resource `pods` with the subresource `log` in a review.
      const [resource, subresource] = a.resource.split('/');
      const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: a.verb, resource, group: a.group, ...(subresource ? { subresource } : {}), ...(a.namespace ? { namespace: a.namespace } : {}) } } };
      const r = await wrap('create', 'selfsubjectaccessreviews', () => authz.createSelfSubjectAccessReview({ body }, opts));
      return { allowed: r.status?.allowed === true, ...(r.status?.reason ? { reason: r.status.reason } : {}) };
    },
    async apiResources(group, version) {
      try {
        return (await custom.getAPIResources({ group, version }, opts)).resources.map((r) => r.name);
      } catch (err) {
        if (status(err) === 404) return undefined;
        throw toKubeError(err, { verb: 'get', resource: `${group}/${version}` });
      }
    },
    async namespace(ns) {
      try {
        await core.readNamespace({ name: ns }, opts);
        return 'exists';
      } catch (err) {
        if (status(err) === 404) return 'missing';
        if (status(err) === 403) return 'forbidden';
        throw toKubeError(err, { verb: 'get', resource: 'namespaces', name: ns });
      }
    },
    async helmReleaseSecrets(ns, release) {
      try {
        return (await core.listNamespacedSecret({ namespace: ns, labelSelector: `owner=helm,name=${release}` }, opts)).items.length;
      } catch (err) {
        if (status(err) === 403) return 'forbidden';
        throw toKubeError(err, { verb: 'list', resource: 'secrets' });
      }
    },
  };
}
