/**
 * The Go shapes of the core/v1 kinds we reconcile (PersistentVolume, PersistentVolumeClaim; the emulator adds
 * ConfigMap, Secret, Event and StorageClass in local/kube/api-shapes.ts): for every JSON field its Go type, whether
 * it is a pointer and whether its tag says
 * `omitempty`. That is what decides what a real apiserver hands back after decoding into these types: a non-pointer
 * zero value with omitempty disappears (`nfs.readOnly: false`), a pointer keeps it (`spec.storageClassName: ""` on a
 * claim), a non-pointer struct is always there (`spec`, `status`), a zero metav1.Time is `null`.
 * Source: kubernetes/kubernetes staging/src/k8s.io/api/core/v1/types.go and apimachinery pkg/apis/meta/v1/types.go
 * (release-1.32); only the members our kinds reach are spelt out, other volume sources are kept opaque (`any`).
 */

/** Leaf types: `time` = metav1.Time (RFC 3339, seconds), `microtime` = metav1.MicroTime, `bytes` = []byte (base64). */
export type Scalar = 'string' | 'bool' | 'int32' | 'int64' | 'quantity' | 'time' | 'microtime' | 'bytes' | 'any';
export interface StructType {
  kind: 'struct';
  /** Go type name as encoding/json prints it in errors, e.g. `v1.NFSVolumeSource`. */
  go: string;
  fields: Record<string, Field>;
}
export type TypeRef = Scalar | StructType | { kind: 'list'; of: TypeRef } | { kind: 'map'; of: TypeRef } | { kind: 'named'; go: string; base: Scalar };
export interface Field {
  type: TypeRef;
  omitempty: boolean;
  ptr: boolean;
}

export const S = (go: string, fields: Record<string, Field>): StructType => ({ kind: 'struct', go, fields });
/** `json:"x,omitempty"` on a value field. */
export const o = (type: TypeRef): Field => ({ type, omitempty: true, ptr: false });
/** `json:"x,omitempty"` on a pointer field. */
export const p = (type: TypeRef): Field => ({ type, omitempty: true, ptr: true });
/** `json:"x"` (no omitempty): always written, zero value included. */
export const r = (type: TypeRef): Field => ({ type, omitempty: false, ptr: false });
export const list = (of: TypeRef): TypeRef => ({ kind: 'list', of });
export const map = (of: TypeRef): TypeRef => ({ kind: 'map', of });
export const named = (go: string, base: Scalar = 'string'): TypeRef => ({ kind: 'named', go, base });

const ResourceList = map('quantity');
const AccessModes = list(named('v1.PersistentVolumeAccessMode'));
export const Labels = map('string');

const OwnerReference = S('v1.OwnerReference', { apiVersion: r('string'), kind: r('string'), name: r('string'), uid: r(named('types.UID')), controller: p('bool'), blockOwnerDeletion: p('bool') });
const ManagedFieldsEntry = S('v1.ManagedFieldsEntry', {
  manager: o('string'),
  operation: o(named('v1.ManagedFieldsOperationType')),
  apiVersion: o('string'),
  time: p('time'),
  fieldsType: o('string'),
  fieldsV1: p('any'),
  subresource: o('string'),
});
export const ObjectMeta = S('v1.ObjectMeta', {
  name: o('string'),
  generateName: o('string'),
  namespace: o('string'),
  selfLink: o('string'),
  uid: o(named('types.UID')),
  resourceVersion: o('string'),
  generation: o('int64'),
  creationTimestamp: o('time'),
  deletionTimestamp: p('time'),
  deletionGracePeriodSeconds: p('int64'),
  labels: o(Labels),
  annotations: o(Labels),
  ownerReferences: o(list(OwnerReference)),
  finalizers: o(list('string')),
  managedFields: o(list(ManagedFieldsEntry)),
});
export const top = (go: string, fields: Record<string, Field>): StructType => S(go, { apiVersion: o('string'), kind: o('string'), metadata: o(ObjectMeta), ...fields });

export const ObjectReference = S('v1.ObjectReference', {
  kind: o('string'),
  namespace: o('string'),
  name: o('string'),
  uid: o(named('types.UID')),
  apiVersion: o('string'),
  resourceVersion: o('string'),
  fieldPath: o('string'),
});
const SecretReference = S('v1.SecretReference', { name: o('string'), namespace: o('string') });
const LabelSelector = S('v1.LabelSelector', {
  matchLabels: o(Labels),
  matchExpressions: o(list(S('v1.LabelSelectorRequirement', { key: r('string'), operator: r(named('v1.LabelSelectorOperator')), values: o(list('string')) }))),
});

/** The volume sources of PersistentVolumeSource we model field by field; the others stay opaque. */
const PV_SOURCES: Record<string, Field> = {
  nfs: p(S('v1.NFSVolumeSource', { server: r('string'), path: r('string'), readOnly: o('bool') })),
  csi: p(
    S('v1.CSIPersistentVolumeSource', {
      driver: r('string'),
      volumeHandle: r('string'),
      readOnly: o('bool'),
      fsType: o('string'),
      volumeAttributes: o(Labels),
      controllerPublishSecretRef: p(SecretReference),
      nodeStageSecretRef: p(SecretReference),
      nodePublishSecretRef: p(SecretReference),
      controllerExpandSecretRef: p(SecretReference),
      nodeExpandSecretRef: p(SecretReference),
    }),
  ),
  hostPath: p(S('v1.HostPathVolumeSource', { path: r('string'), type: p(named('v1.HostPathType')) })),
  local: p(S('v1.LocalVolumeSource', { path: r('string'), fsType: p('string') })),
  flexVolume: p(S('v1.FlexPersistentVolumeSource', { driver: r('string'), fsType: o('string'), secretRef: p(SecretReference), readOnly: o('bool'), options: o(Labels) })),
  ...Object.fromEntries(
    ['awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'fc', 'flocker', 'gcePersistentDisk', 'glusterfs', 'iscsi', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume'].map((k) => [k, p('any')]),
  ),
};

export const PersistentVolume = top('v1.PersistentVolume', {
  spec: o(
    S('v1.PersistentVolumeSpec', {
      capacity: o(ResourceList),
      ...PV_SOURCES,
      accessModes: o(AccessModes),
      claimRef: p(ObjectReference),
      persistentVolumeReclaimPolicy: o(named('v1.PersistentVolumeReclaimPolicy')),
      storageClassName: o('string'),
      mountOptions: o(list('string')),
      volumeMode: p(named('v1.PersistentVolumeMode')),
      nodeAffinity: p('any'),
      volumeAttributesClassName: p('string'),
    }),
  ),
  status: o(S('v1.PersistentVolumeStatus', { phase: o(named('v1.PersistentVolumePhase')), message: o('string'), reason: o('string'), lastPhaseTransitionTime: p('time') })),
});

const LocalRef = S('v1.TypedLocalObjectReference', { apiGroup: { type: 'string', omitempty: false, ptr: true }, kind: r('string'), name: r('string') });
export const PersistentVolumeClaim = top('v1.PersistentVolumeClaim', {
  spec: o(
    S('v1.PersistentVolumeClaimSpec', {
      accessModes: o(AccessModes),
      selector: p(LabelSelector),
      resources: o(S('v1.VolumeResourceRequirements', { limits: o(ResourceList), requests: o(ResourceList) })),
      volumeName: o('string'),
      storageClassName: p('string'),
      volumeMode: p(named('v1.PersistentVolumeMode')),
      dataSource: p(LocalRef),
      dataSourceRef: p(S('v1.TypedObjectReference', { ...LocalRef.fields, namespace: p('string') })),
      volumeAttributesClassName: p('string'),
    }),
  ),
  status: o(
    S('v1.PersistentVolumeClaimStatus', {
      phase: o(named('v1.PersistentVolumeClaimPhase')),
      accessModes: o(AccessModes),
      capacity: o(ResourceList),
      conditions: o(
        list(
          S('v1.PersistentVolumeClaimCondition', { type: r(named('v1.PersistentVolumeClaimConditionType')), status: r(named('v1.ConditionStatus')), lastProbeTime: o('time'), lastTransitionTime: o('time'), reason: o('string'), message: o('string') }),
        ),
      ),
      allocatedResources: o(ResourceList),
      allocatedResourceStatuses: o(map(named('v1.ClaimResourceStatus'))),
      currentVolumeAttributesClassName: p('string'),
      modifyVolumeStatus: p('any'),
    }),
  ),
});

/** The shapes the product needs (its desired state is PVs and PVCs); the emulator adds more (local/kube/api-shapes.ts). */
export const VOLUME_KINDS: Readonly<Record<string, StructType>> = {
  '/PersistentVolume': PersistentVolume,
  '/PersistentVolumeClaim': PersistentVolumeClaim,
};
