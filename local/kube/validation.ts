import { isQuantity, parseQuantity } from '#shared/kube/quantity';
import { deepEqual } from './patch';
import type { ResourceType } from './resources';
import { invalid, StatusError, type StatusCause } from './status';
import type { KubeObject } from './store';

type Obj = Record<string, unknown>;
const spec = (o: KubeObject | undefined): Obj => ((o?.spec as Obj | undefined) ?? {});

/** The volume-source keys of a PV spec (core/v1 PersistentVolumeSource, the ones that matter here). */
const PV_SOURCES = ['nfs', 'csi', 'hostPath', 'local', 'flexVolume', 'iscsi', 'cephfs', 'rbd', 'fc', 'azureFile', 'glusterfs'];

const pvSource = (s: Obj): Obj => Object.fromEntries(PV_SOURCES.filter((k) => s[k] !== undefined).map((k) => [k, s[k]]));

/** Defaults the apiserver fills on create (what `kubectl get -o json` shows right after apply). */
export function applyCreateDefaults(t: ResourceType, o: KubeObject): void {
  const s = spec(o);
  switch (t.plural) {
    case 'persistentvolumes':
      s.persistentVolumeReclaimPolicy ??= 'Retain';
      s.volumeMode ??= 'Filesystem';
      o.status = { phase: 'Pending' };
      break;
    case 'persistentvolumeclaims':
      s.volumeMode ??= 'Filesystem';
      o.status = { phase: 'Pending' };
      break;
    case 'namespaces':
      o.spec = { finalizers: ['kubernetes'] };
      o.status = { phase: 'Active' };
      o.metadata.labels = { ...(o.metadata.labels as Obj | undefined), 'kubernetes.io/metadata.name': o.metadata.name };
      break;
    case 'secrets':
      normalizeSecret(o);
      break;
  }
}

/** Secrets: `stringData` is write-only and folds into base64 `data`; `type` defaults to Opaque. */
export function normalizeSecret(o: KubeObject): void {
  o.type ??= 'Opaque';
  const sd = o.stringData as Record<string, string> | undefined;
  if (sd) {
    const data = { ...((o.data as Obj | undefined) ?? {}) };
    for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(v, 'utf8').toString('base64');
    o.data = data;
    delete o.stringData;
  }
}

function requiredQuantity(causes: StatusCause[], v: unknown, field: string): void {
  if (v === undefined) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field });
  else if (!isQuantity(v)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${String(v)}": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`, field });
}

/** Field validation of a PV or PVC (create and update); throws 422 Invalid. */
export function validateObject(t: ResourceType, o: KubeObject): void {
  const causes: StatusCause[] = [];
  const s = spec(o);
  if (t.plural === 'persistentvolumes') {
    if (!Array.isArray(s.accessModes) || s.accessModes.length === 0) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.accessModes' });
    requiredQuantity(causes, (s.capacity as Obj | undefined)?.storage, 'spec.capacity');
    const n = Object.keys(pvSource(s)).length;
    if (n === 0) causes.push({ reason: 'FieldValueRequired', message: 'Required value: must specify a volume type', field: 'spec' });
    if (n > 1) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: may not specify more than 1 volume type', field: 'spec' });
  }
  if (t.plural === 'persistentvolumeclaims') {
    if (!Array.isArray(s.accessModes) || s.accessModes.length === 0) causes.push({ reason: 'FieldValueRequired', message: 'Required value: at least 1 access mode is required', field: 'spec.accessModes' });
    requiredQuantity(causes, ((s.resources as Obj | undefined)?.requests as Obj | undefined)?.storage, 'spec.resources[storage]');
  }
  if (causes.length) throw invalid(t, o.metadata.name, causes);
}

/**
 * Immutability rules of ValidatePersistentVolumeUpdate / ValidatePersistentVolumeClaimUpdate
 * (https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/apis/core/validation/validation.go): a PV's volume
 * source and volumeMode; a PVC's spec except resources.requests, volumeAttributesClassName, and
 * volumeName/storageClassName set once while empty.
 */
export function validateUpdate(t: ResourceType, old: KubeObject, next: KubeObject): void {
  const causes: StatusCause[] = [];
  const o = spec(old);
  const n = spec(next);
  if (t.plural === 'persistentvolumes') {
    if (!deepEqual(pvSource(o), pvSource(n))) {
      causes.push({
        reason: 'FieldValueForbidden',
        field: 'spec.persistentvolumesource',
        message: `Forbidden: spec.persistentvolumesource is immutable after creation\n  core.PersistentVolumeSource{\n-   ${JSON.stringify(pvSource(o))},\n+   ${JSON.stringify(pvSource(n))},\n  }\n`,
      });
    }
    if (o.volumeMode !== n.volumeMode) causes.push({ reason: 'FieldValueInvalid', field: 'spec.volumeMode', message: `Invalid value: "${String(n.volumeMode)}": field is immutable` });
  }
  if (t.plural === 'persistentvolumeclaims') {
    const bound = (old.status as Obj | undefined)?.phase === 'Bound';
    const strip = (x: Obj, base: Obj) => {
      const c = structuredClone(x);
      delete c.volumeAttributesClassName;
      if (c.resources && bound) delete (c.resources as Obj).requests;
      if (!base.volumeName) delete c.volumeName;
      if (!base.storageClassName) delete c.storageClassName;
      return c;
    };
    if (!deepEqual(strip(o, o), strip(n, o))) {
      causes.push({
        reason: 'FieldValueForbidden',
        field: 'spec',
        message: 'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      });
    }
  }
  if (causes.length) throw invalid(t, next.metadata.name, causes);
  if (t.plural === 'persistentvolumeclaims') checkResize(t, old, next);
}

const storage = (o: KubeObject) => ((spec(o).resources as Obj | undefined)?.requests as Obj | undefined)?.storage;

/**
 * A bound claim's request may only grow, and only when a resizable StorageClass provisioned it (the
 * PersistentVolumeClaimResize admission plugin). The emulator serves no StorageClasses, so every static NAS claim
 * gets the 403 a real cluster gives
 * (https://github.com/kubernetes/kubernetes/blob/76434bd6/plugin/pkg/admission/storage/persistentvolume/resize/admission.go).
 */
function checkResize(t: ResourceType, old: KubeObject, next: KubeObject): void {
  const [a, b] = [storage(old), storage(next)];
  if (a === undefined || b === undefined || !isQuantity(a) || !isQuantity(b)) return;
  const [oldQ, newQ] = [parseQuantity(a as string), parseQuantity(b as string)];
  if (newQ < oldQ) {
    throw invalid(t, next.metadata.name, [{ reason: 'FieldValueForbidden', field: 'spec.resources.requests.storage', message: 'Forbidden: field can not be less than previous value' }]);
  }
  if (newQ > oldQ) {
    throw new StatusError(403, 'Forbidden', `persistentvolumeclaims "${next.metadata.name}" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize`, { name: next.metadata.name, kind: 'persistentvolumeclaims' });
  }
}
