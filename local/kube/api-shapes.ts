import { Labels, list, map, named, o, ObjectMeta, ObjectReference, p, r, S, top, VOLUME_KINDS, type StructType } from '#shared/kube/core-v1-schema';
import { roundTrip as roundTripShape, unknownTypedFields as unknownOf } from '#shared/kube/typed-decode';

/**
 * The Go shapes of the other kinds the emulator decodes like kube-apiserver: core/v1 ConfigMap, Secret and Event,
 * storage/v1 StorageClass (kubernetes/kubernetes staging/src/k8s.io/api/core/v1/types.go and storage/v1/types.go,
 * release-1.32), next to the PV/PVC shapes the product shares (shared/kube/core-v1-schema.ts).
 */
const ConfigMap = top('v1.ConfigMap', { immutable: p('bool'), data: o(Labels), binaryData: o(map('bytes')) });
const Secret = top('v1.Secret', { immutable: p('bool'), data: o(map('bytes')), stringData: o(Labels), type: o(named('v1.SecretType')) });
const Event = top('v1.Event', {
  metadata: r(ObjectMeta),
  involvedObject: r(ObjectReference),
  reason: o('string'),
  message: o('string'),
  source: o(S('v1.EventSource', { component: o('string'), host: o('string') })),
  firstTimestamp: o('time'),
  lastTimestamp: o('time'),
  count: o('int32'),
  type: o('string'),
  eventTime: o('microtime'),
  series: p(S('v1.EventSeries', { count: o('int32'), lastObservedTime: o('microtime') })),
  action: o('string'),
  related: p(ObjectReference),
  reportingComponent: r('string'),
  reportingInstance: r('string'),
});
const StorageClass = top('v1.StorageClass', {
  provisioner: r('string'),
  parameters: o(Labels),
  reclaimPolicy: p(named('v1.PersistentVolumeReclaimPolicy')),
  mountOptions: o(list('string')),
  allowVolumeExpansion: p('bool'),
  volumeBindingMode: p(named('v1.VolumeBindingMode')),
  allowedTopologies: o(list('any')),
});


/** Go shapes by `<group>/<kind>` (core group: `/<kind>`). */
const SHAPES: Readonly<Record<string, StructType>> = {
  ...VOLUME_KINDS,
  '/ConfigMap': ConfigMap,
  '/Secret': Secret,
  '/Event': Event,
  'storage.k8s.io/StorageClass': StorageClass,
};

/** The shape of `<group>/<kind>` when we model it. */
export const typedShape = (group: string, kind: string): StructType | undefined => SHAPES[`${group}/${kind}`];

type Obj = Record<string, unknown>;

/** Round-trip through the kind's Go shape (unchanged for kinds without one); throws DecodeError on type errors. */
export const roundTrip = (group: string, kind: string, input: Obj): Obj => {
  const s = typedShape(group, kind);
  return s ? roundTripShape(s, input) : input;
};

/** Fields a typed kind does not declare, at any depth ([] for kinds without a shape). */
export const unknownTypedFields = (group: string, kind: string, input: Obj): string[] => {
  const s = typedShape(group, kind);
  return s ? unknownOf(s, input) : [];
};
