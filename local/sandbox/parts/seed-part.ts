import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { SandboxPart } from '../boot';
import { helmReleaseSecret, SEED_VOLUMES_YAML, seedRunnerRelease } from './reconcile-seed';

/** A Kubernetes object as sent to the API (enough for client-node's generic object API). */
type KubeManifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** The seed guide's cluster state: its four NAS PV/PVCs as typed by hand and the deployed gitlab-runner release. */
export function seedManifests(): KubeManifest[] {
  const volumes = parseAllDocuments(SEED_VOLUMES_YAML).map((d) => d.toJS() as KubeManifest);
  return [...volumes, helmReleaseSecret(seedRunnerRelease()) as unknown as KubeManifest];
}

/**
 * Plants the seed's cluster (local/sandbox/parts/reconcile-seed.ts) through the Kubernetes API with the sandbox
 * kubeconfig, as an operator following the guide did with kubectl and helmfile: so `reconcile` has something to
 * adopt and `prewarm` reads the runner's helper image from the live release. Register after the kube part.
 */
export const seedPart: SandboxPart = {
  name: 'seeds',
  async start(ctx) {
    const path = ctx.env?.KUBE_SANDBOX_KUBECONFIG;
    if (!path) throw new Error('sandbox seed part: KUBE_SANDBOX_KUBECONFIG is not set (register the kube part first)');
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromString(await readFile(path, 'utf8'));
    const api = k8s.KubernetesObjectApi.makeApiClient(kc);
    for (const m of seedManifests()) await api.create(m);
    return { close: async () => undefined };
  },
};
