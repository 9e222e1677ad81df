import type { Config } from '#shared/config/index';
import { CS_API_VERSION, createRoaClient, describeClusterUserKubeconfig } from '#shared/cloud/pop/index';
import type { CloudCredentials } from '#shared/runtime/credentials';
import { createKubePort } from './create-kube-port';
import { createKubeconfigSource, type FetchUserConfig } from './kubeconfig-source';
import type { KubePort } from './port';

/** What the worker's port registry hands a factory (functions/ops-worker/deps.ts PortDeps, structurally). */
export interface KubePortDeps {
  config: Config;
  credentials: () => CloudCredentials | undefined;
  /** Override the CS call (tests); default: CS ROA DescribeClusterUserKubeconfig with the invocation's STS keys. */
  fetchUserConfig?: FetchUserConfig;
}

/**
 * The production KubePort: kubeconfig from CS (ASK_CLUSTER_ID; temporary, cached to expiry, refetched after a 401),
 * else KUBE_CONFIG (base64), else KUBECONFIG_PATH; KUBE_TIMEOUT_MS per request. Throws CONFIG_INVALID when none is set.
 */
export function createKubePortFromConfig(deps: KubePortDeps): KubePort {
  const e = deps.config.env;
  const fetchUserConfig: FetchUserConfig | undefined =
    deps.fetchUserConfig ??
    (e.ASK_CLUSTER_ID
      ? (() => {
          const cs = createRoaClient({ endpoint: e.CS_ENDPOINT ?? `https://cs.${e.FC_REGION}.aliyuncs.com`, apiVersion: CS_API_VERSION, credentials: deps.credentials });
          return (clusterId: string, minutes: number) => describeClusterUserKubeconfig(cs, clusterId, minutes);
        })()
      : undefined);
  const source = createKubeconfigSource({
    clusterId: e.ASK_CLUSTER_ID,
    minutes: e.KUBE_TEMP_MINUTES,
    kubeConfigBase64: e.KUBE_CONFIG,
    kubeconfigPath: e.KUBECONFIG_PATH,
    ...(fetchUserConfig ? { fetchUserConfig } : {}),
  });
  return createKubePort({ kubeconfigYaml: () => source.get(), timeoutMs: e.KUBE_TIMEOUT_MS, onUnauthorized: () => source.invalidate() });
}
