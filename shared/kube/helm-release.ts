import { gunzipSync } from 'node:zlib';
import type { V1Secret } from '@kubernetes/client-node';
import { AppError } from '#shared/errors/index';
import type { KubePort } from './port';

/** The parts of a Helm v3/v4 release we reconcile against (pkg/release/v1 Release). */
export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  /** deployed, superseded, failed, pending-install, pending-upgrade, pending-rollback, uninstalling, … */
  status: string;
  chart: { name: string; version: string; appVersion?: string };
  /** User-supplied values only (what `helm get values` prints). */
  config: Record<string, unknown>;
  /** Rendered manifest YAML. */
  manifest: string;
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

/**
 * Decode a release Secret's `data.release`: the Secret API's base64 over Helm's own base64 over gzip (Helm skips
 * gunzip for old uncompressed releases, so do we). Source: helm/helm pkg/storage/driver/util.go decodeRelease.
 */
export function decodeHelmReleaseData(release: string): Record<string, unknown> {
  const helmB64 = Buffer.from(release, 'base64').toString('utf8');
  const bytes = Buffer.from(helmB64, 'base64');
  const json = bytes.subarray(0, 3).equals(GZIP_MAGIC) ? gunzipSync(bytes) : bytes;
  return JSON.parse(json.toString('utf8')) as Record<string, unknown>;
}

/** Map one release Secret to a HelmRelease. */
export function helmReleaseFromSecret(secret: V1Secret): HelmRelease {
  const data = secret.data?.release;
  const name = secret.metadata?.name ?? '?';
  if (!data) throw new AppError('KUBE_API', `helm release secret ${name} has no data.release`, { status: 502, details: { secret: name } });
  let r: Record<string, unknown>;
  try {
    r = decodeHelmReleaseData(data);
  } catch (e) {
    throw new AppError('KUBE_API', `helm release secret ${name} does not decode`, { status: 502, cause: e, details: { secret: name } });
  }
  const info = (r.info ?? {}) as { status?: string };
  const meta = ((r.chart as { metadata?: Record<string, string> } | undefined)?.metadata ?? {}) as Record<string, string>;
  return {
    name: String(r.name ?? secret.metadata?.labels?.name ?? ''),
    namespace: String(r.namespace ?? secret.metadata?.namespace ?? ''),
    revision: Number(r.version ?? secret.metadata?.labels?.version ?? 0),
    status: String(info.status ?? secret.metadata?.labels?.status ?? 'unknown'),
    chart: { name: meta.name ?? '', version: meta.version ?? '', ...(meta.appVersion ? { appVersion: meta.appVersion } : {}) },
    config: (r.config ?? {}) as Record<string, unknown>,
    manifest: String(r.manifest ?? ''),
  };
}

/**
 * Read the latest revision of release `name` in `namespace` from Helm's Secret storage with one list call
 * (`owner=helm,name=<rel>`, highest `version` label — what `helm get values` reads). `deployedOnly` picks the highest
 * `status=deployed` revision instead (Helm's Storage.Deployed). undefined when there is none.
 */
export async function readHelmRelease(
  kube: Pick<KubePort, 'listSecrets'>,
  namespace: string,
  name: string,
  opts: { deployedOnly?: boolean } = {},
): Promise<HelmRelease | undefined> {
  const secrets = await kube.listSecrets(namespace, `owner=helm,name=${name}${opts.deployedOnly ? ',status=deployed' : ''}`);
  const latest = secrets
    .filter((s) => s.type === undefined || s.type === 'helm.sh/release.v1')
    .sort((a, b) => Number(b.metadata?.labels?.version ?? 0) - Number(a.metadata?.labels?.version ?? 0))[0];
  return latest && helmReleaseFromSecret(latest);
}
