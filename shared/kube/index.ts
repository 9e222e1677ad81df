export * from './port';
export { createKubePort } from './create-kube-port';
export { toKubeError, parseStatus, kubeStatusCode, kubeReason, type KubeOp, type KubeStatus } from './kube-error';
export { parseQuantity, isQuantity } from './quantity';
export { readHelmRelease, decodeHelmReleaseData, helmReleaseFromSecret, type HelmRelease } from './helm-release';
export { createKubeconfigSource, type KubeconfigSource, type KubeconfigSourceOptions, type FetchUserConfig } from './kubeconfig-source';
export { createKubePortFromConfig, type KubePortDeps } from './kube-port-from-config';
