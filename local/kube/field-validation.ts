import type { ResourceType } from './resources';
import { badRequest } from './status';
import type { KubeObject } from './store';

const META = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'];
const PV_SOURCES = ['awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'csi', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk', 'glusterfs', 'hostPath', 'iscsi', 'local', 'nfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume'];

/** Known fields per kind (core/v1 types), top level and — where we reconcile — spec. Events and CRs are not checked. */
const KNOWN: Record<string, { top: string[]; spec?: string[] }> = {
  persistentvolumes: { top: ['spec', 'status'], spec: ['accessModes', 'capacity', 'claimRef', 'mountOptions', 'nodeAffinity', 'persistentVolumeReclaimPolicy', 'storageClassName', 'volumeMode', 'volumeAttributesClassName', ...PV_SOURCES] },
  persistentvolumeclaims: { top: ['spec', 'status'], spec: ['accessModes', 'dataSource', 'dataSourceRef', 'resources', 'selector', 'storageClassName', 'volumeAttributesClassName', 'volumeMode', 'volumeName'] },
  secrets: { top: ['data', 'stringData', 'type', 'immutable'] },
  configmaps: { top: ['data', 'binaryData', 'immutable'] },
  namespaces: { top: ['spec', 'status'] },
};

/** Paths of fields the kind's schema does not declare (`spec.nfss`, `metadata.lables`). */
export function unknownFields(t: ResourceType, o: KubeObject): string[] {
  const k = KNOWN[t.plural];
  if (!k || !t.builtin) return [];
  const out = Object.keys(o).filter((f) => !['apiVersion', 'kind', 'metadata', ...k.top].includes(f));
  out.push(...Object.keys(o.metadata ?? {}).filter((f) => !META.includes(f)).map((f) => `metadata.${f}`));
  const spec = o.spec as Record<string, unknown> | undefined;
  if (k.spec && spec && typeof spec === 'object') out.push(...Object.keys(spec).filter((f) => !k.spec!.includes(f)).map((f) => `spec.${f}`));
  return out;
}

/**
 * Server-side field validation (the `fieldValidation` query parameter kubectl sends): `Strict` rejects unknown
 * fields with 400 in the apiserver's wording; `Warn` (the default) returns them as `Warning` headers; `Ignore` drops
 * them silently.
 */
export function checkFields(t: ResourceType, o: KubeObject, mode: string | null): string[] {
  const unknown = unknownFields(t, o);
  if (unknown.length === 0 || mode === 'Ignore') return [];
  const list = unknown.map((f) => `unknown field "${f}"`);
  if (mode === 'Strict') {
    throw badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${list.join(', ')}`);
  }
  return list;
}
