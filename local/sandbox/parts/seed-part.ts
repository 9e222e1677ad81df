import { request } from 'node:https';
import { readFile } from 'node:fs/promises';
import { parse, parseAllDocuments } from 'yaml';
import type { SandboxPart } from '../boot';
import { helmReleaseSecret, SEED_VOLUMES_YAML, seedRunnerRelease } from './reconcile-seed';

/** A Kubernetes object as sent to the API. */
type KubeManifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/**
 * A default StorageClass as ASK's StorageClass page shows it (ASK ships none; its docs give this template and how to
 * mark one default: https://alibabacloud.com/help/ja/ack/serverless-kubernetes/user-guide/storageclasses). With it,
 * a claim that leaves storageClassName unset gets this class at create and a static NAS claim stays Pending.
 */
export const SANDBOX_DEFAULT_CLASS: KubeManifest & Record<string, unknown> = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'alicloud-disk-alltype', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } as KubeManifest['metadata'],
  parameters: { type: 'cloud_essd,cloud_ssd,cloud_efficiency' },
  provisioner: 'diskplugin.csi.alibabacloud.com',
  reclaimPolicy: 'Delete',
  allowVolumeExpansion: true,
};

/** The seed guide's cluster state: a default StorageClass, its four NAS PV/PVCs as typed by hand, the gitlab-runner release. */
export function seedManifests(): KubeManifest[] {
  const volumes = parseAllDocuments(SEED_VOLUMES_YAML).map((d) => d.toJS() as KubeManifest);
  return [SANDBOX_DEFAULT_CLASS, ...volumes, helmReleaseSecret(seedRunnerRelease()) as unknown as KubeManifest];
}

// The collection paths `kubectl create -f` posts to, for the kinds the seed holds.
const COLLECTION: Record<string, (ns: string) => string> = {
  PersistentVolume: () => '/api/v1/persistentvolumes',
  PersistentVolumeClaim: (ns) => `/api/v1/namespaces/${ns}/persistentvolumeclaims`,
  Secret: (ns) => `/api/v1/namespaces/${ns}/secrets`,
  StorageClass: () => '/apis/storage.k8s.io/v1/storageclasses',
};

/** POST one object; the emulator's self-signed certificate is expected (the kubeconfig says insecure-skip-tls-verify). */
function create(server: string, token: string, m: KubeManifest): Promise<void> {
  const url = new URL(COLLECTION[m.kind]!(m.metadata.namespace ?? 'default'), server);
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
