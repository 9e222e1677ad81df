import { request } from 'node:https';
import { readFile } from 'node:fs/promises';
import { parse, parseAllDocuments } from 'yaml';
import type { SandboxPart } from '../boot';
import { helmReleaseSecret, SEED_VOLUMES_YAML, seedRunnerRelease } from './reconcile-seed';

/** A Kubernetes object as sent to the API. */
type KubeManifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** The seed guide's cluster state: its four NAS PV/PVCs as typed by hand and the deployed gitlab-runner release. */
export function seedManifests(): KubeManifest[] {
  const volumes = parseAllDocuments(SEED_VOLUMES_YAML).map((d) => d.toJS() as KubeManifest);
  return [...volumes, helmReleaseSecret(seedRunnerRelease()) as unknown as KubeManifest];
}

// Core kinds only: that is all the seed holds. The collection path is what `kubectl create -f` posts to.
const PLURAL: Record<string, string> = { PersistentVolume: 'persistentvolumes', PersistentVolumeClaim: 'persistentvolumeclaims', Secret: 'secrets' };

/** POST one object; the emulator's self-signed certificate is expected (the kubeconfig says insecure-skip-tls-verify). */
function create(server: string, token: string, m: KubeManifest): Promise<void> {
  const ns = m.kind === 'PersistentVolume' ? '' : `/namespaces/${m.metadata.namespace ?? 'default'}`;
  const url = new URL(`/api/v1${ns}/${PLURAL[m.kind]}`, server);
  const body = JSON.stringify(m);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', rejectUnauthorized: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`seed ${m.kind}/${m.metadata.name}: HTTP ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Plants the seed's cluster (./reconcile-seed.ts) through the Kubernetes API with the sandbox kubeconfig, as an
 * operator following the guide did with kubectl and helmfile: `reconcile` has something to adopt and `prewarm`
 * reads the runner's helper image from the live release. Plain https instead of client-node: importing client-node
 * under tsx costs ~4 s of `npm start` (measured), and the functions import it on first use anyway.
 */
export const seedPart: SandboxPart = {
  name: 'seeds',
  async start(ctx) {
    const path = ctx.env?.KUBE_SANDBOX_KUBECONFIG;
    if (!path) throw new Error('sandbox seed part: KUBE_SANDBOX_KUBECONFIG is not set (register the kube part first)');
    const kc = parse(await readFile(path, 'utf8')) as { clusters: Array<{ cluster: { server: string } }>; users: Array<{ user: { token: string } }> };
    const server = kc.clusters[0]!.cluster.server;
    if (!server.startsWith('https:')) throw new Error(`sandbox seed part: expected an https kube server, got ${server}`);
    for (const m of seedManifests()) await create(server, kc.users[0]!.user.token, m);
    return { close: async () => undefined };
  },
};
