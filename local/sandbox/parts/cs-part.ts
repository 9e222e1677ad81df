import { readFileSync } from 'node:fs';
import { startCsEmulator } from '#local/pop/index';
import type { SandboxPart } from '../boot';

/** The sandbox's ASK cluster id (CS ids are 33 hex-ish characters starting with `c`; any id shape works here). */
export const SANDBOX_CLUSTER_ID = 'c0sandbox0000000000000000000000ask';

/**
 * Container Service (CS) emulator: `DescribeClusterUserKubeconfig` for SANDBOX_CLUSTER_ID hands out the kubeconfig of
 * the functions' identity (the kube part's KUBE_SANDBOX_FUNCTIONS_KUBECONFIG: what infra/k8s grants, nothing more),
 * signed with the sandbox STS keys — in production CS returns the caller's (the FC role's) own kubeconfig. Sets
 * ASK_CLUSTER_ID and CS_ENDPOINT, so the worker's kube port takes the production path
 * (shared/kube/kube-port-from-config.ts). Needs the kube part before it.
 */
export const csPart: SandboxPart = {
  name: 'cs',
  async start(ctx) {
    const path = ctx.env?.KUBE_SANDBOX_FUNCTIONS_KUBECONFIG ?? ctx.env?.KUBE_SANDBOX_KUBECONFIG;
    if (!path) throw new Error('sandbox cs part: KUBE_SANDBOX_FUNCTIONS_KUBECONFIG is not set (register the kube part first)');
    // Read per call: the file is the kube part's, and a restarted part may rewrite it.
    const cs = await startCsEmulator({ credentials: [ctx.credentials], clusters: [SANDBOX_CLUSTER_ID], kubeconfig: () => readFileSync(path, 'utf8') });
    return {
      env: { ASK_CLUSTER_ID: SANDBOX_CLUSTER_ID, CS_ENDPOINT: cs.url },
      urls: { cs: cs.url },
      close: () => cs.close(),
    };
  },
};
