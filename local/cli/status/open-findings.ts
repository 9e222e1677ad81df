import type { Config } from '#shared/config/index';
import { createKubePortFromConfig } from '#shared/kube/kube-port-from-config';
import { kubeAlertStore, readOpenFindings as readAlertState } from '#shared/notify/index';
import type { CloudCredentials } from '#shared/runtime/credentials';

/** A problem the notifier has reported and not yet seen resolved (the alert state). */
export interface OpenFinding {
  key: string;
  summary: string;
  severity?: string;
  action?: string;
  /** When it was first reported (ISO). */
  since?: string;
}

export type OpenFindings = { available: true; findings: OpenFinding[] } | { available: false; reason: string };

/**
 * The open findings `ops status` shows: the notifier's alert state (ConfigMap `gitlab-ask-ops-alerts` in
 * RUNNER_NAMESPACE, ADR 0023), read through the kubeconfig the functions would get. No cluster configured → not
 * available (with the reason), never "none".
 */
export async function readOpenFindings(config: Config, credentials: () => CloudCredentials | undefined): Promise<OpenFindings> {
  const e = config.env;
  if (!e.ASK_CLUSTER_ID && !e.KUBE_CONFIG && !e.KUBECONFIG_PATH) return { available: false, reason: 'no cluster configured (ASK_CLUSTER_ID): the alert state lives there' };
  const kube = createKubePortFromConfig({ config, credentials });
  const entries = await readAlertState(kubeAlertStore(() => kube, { namespace: e.RUNNER_NAMESPACE }));
  return {
    available: true,
    findings: entries.map((x) => ({ key: `${x.action} ${x.target}: ${x.cause}`, summary: x.summary, severity: x.severity, action: x.action, since: x.firstSeen })),
  };
}
