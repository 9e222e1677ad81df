import { gzipSync } from 'node:zlib';
import type { V1Secret } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';
import type { KubeEmulator, KubeObject } from '#local/kube/index';
import { BUNDLED_INFRA } from '#shared/reconcile/bundled-infra';

/**
 * The seed guide's four objects as an operator typed them (nas-pv.yaml, mvn-pv.yaml, nas-pvc.yaml, mvn-pvc.yaml;
 * docs/background.md, "The guide this automates", step 2), with the mount-target placeholders filled in. No
 * managed-by label and no reclaim policy: the first reconcile adopts them with a patch, exactly as it would on a
 * cluster set up by hand.
 */
export const SEED_VOLUMES_YAML = ['cache', 'maven']
  .map(
    (v) => `apiVersion: v1
kind: PersistentVolume
metadata:
  name: gitlab-runner-${v}-pv
spec:
  accessModes:
  - ReadWriteMany
  capacity:
    storage: 10Pi
  mountOptions:
  - nolock,noresvport,noacl,hard
  - vers=3
  - rsize=1048576
  - wsize=1048576
  - proto=tcp
  - timeo=600
  - retrans=2
  nfs:
    path: /share
    server: ${v}-mount-target.ap-northeast-2.extreme.nas.aliyuncs.com
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: gitlab-runner-${v}-pvc
  namespace: default
spec:
  accessModes:
  - ReadWriteMany
  resources:
    requests:
      storage: 10Pi
  volumeName: gitlab-runner-${v}-pv
`,
  )
  .join('---\n');

/**
 * A release as Helm writes it (`encodeRelease` in
 * https://github.com/helm/helm/blob/v3.21.4/pkg/storage/driver/util.go).
 */
export interface SeedRelease {
  name: string;
  namespace: string;
  chart: { name: string; version: string; appVersion?: string };
  config: Record<string, unknown>;
  revision?: number;
  status?: string;
}

/**
 * The Secret helm's storage driver writes for one revision: `sh.helm.release.v1.<name>.v<rev>`, type
 * helm.sh/release.v1, labels owner/name/status/version, `data.release` = base64(base64(gzip(json))).
 */
export function helmReleaseSecret(r: SeedRelease): V1Secret {
  const revision = r.revision ?? 1;
  const status = r.status ?? 'deployed';
  const release = { name: r.name, namespace: r.namespace, version: revision, config: r.config, manifest: '', info: { status, description: 'Install complete' }, chart: { metadata: { apiVersion: 'v1', ...r.chart }, values: {} } };
  const helm = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
  const now = String(Math.floor(Date.now() / 1000));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: { name: `sh.helm.release.v1.${r.name}.v${revision}`, namespace: r.namespace, labels: { name: r.name, owner: 'helm', status, version: String(revision), createdAt: now, modifiedAt: now } },
    data: { release: Buffer.from(helm).toString('base64') },
  };
}

/** The gitlab-runner release as the bundled helmfile declares it, with a real-looking token instead of the placeholder. */
export function seedRunnerRelease(overrides: Partial<SeedRelease> = {}): SeedRelease {
  const helmfile = parse(BUNDLED_INFRA['helmfile.yaml']!) as { releases: Array<{ name: string; namespace: string; version: string; values: Array<Record<string, unknown>> }> };
  const rel = helmfile.releases[0]!;
  const config = { ...Object.assign({}, ...rel.values), runnerToken: 'glrt-sandboxRunnerToken0000000' };
  return { name: rel.name, namespace: rel.namespace, chart: { name: 'gitlab-runner', version: rel.version, appVersion: 'v17.6.0' }, config, ...overrides };
}

/**
 * Plant the seed's PV/PVCs and the gitlab-runner release as an admin's `kubectl create` would: through admission
 * (protection finalizers, the default StorageClass if the cluster has one) and validation. The binder binds them
 * asynchronously; callers wait for the state they need.
 */
export function seedReconcileState(kube: Pick<KubeEmulator, 'create'>, release: SeedRelease = seedRunnerRelease()): void {
  for (const doc of parseAllDocuments(SEED_VOLUMES_YAML)) kube.create(doc.toJS() as KubeObject);
  kube.create(helmReleaseSecret(release) as unknown as KubeObject);
}
