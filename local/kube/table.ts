import type { ResourceType } from './resources';
import type { KubeObject } from './store';
import { podReady, podStatusWord } from './kubelet/pod-status';

type Obj = Record<string, unknown>;
type Col = { name: string; type: string; format?: string; description?: string; priority?: number };
type Cells = (o: KubeObject, now: Date) => unknown[];

/** `kubectl get` age: 45s, 12m, 5h, 3d (apimachinery duration.HumanDuration, coarse). */
export function humanAge(from: unknown, now: Date): string {
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(String(from))) / 1000));
  if (!Number.isFinite(s)) return '<unknown>';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60 * 3) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const MODE: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
const modes = (v: unknown) => (Array.isArray(v) ? v.map((m) => MODE[String(m)] ?? String(m)).join(',') : '');
const get = (o: unknown, path: string): unknown => path.split('.').filter(Boolean).reduce<unknown>((c, k) => (c && typeof c === 'object' ? (c as Obj)[k] : undefined), o);
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const age = (o: KubeObject, now: Date) => humanAge(o.metadata.creationTimestamp, now);
const nameCol: Col = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 };
const ageCol: Col = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 };
const c = (name: string, priority = 0): Col => ({ name, type: 'string', priority });
/** printPersistentVolume/printPersistentVolumeClaim show "Terminating" instead of the phase once deletion began. */
const volumePhase = (o: KubeObject) => (o.metadata.deletionTimestamp ? 'Terminating' : str(get(o, 'status.phase')));

/** Columns as kube-apiserver's printers (pkg/printers/internalversion) define them for our kinds. */
const BUILTIN: Record<string, [Col[], Cells]> = {
  persistentvolumes: [
    [nameCol, c('Capacity'), c('Access Modes'), c('Reclaim Policy'), c('Status'), c('Claim'), c('StorageClass'), c('VolumeAttributesClass'), c('Reason'), ageCol, c('VolumeMode', 1)],
    (o, now) => {
      const ref = get(o, 'spec.claimRef') as Obj | undefined;
      return [o.metadata.name, str(get(o, 'spec.capacity.storage')), modes(get(o, 'spec.accessModes')), str(get(o, 'spec.persistentVolumeReclaimPolicy')), volumePhase(o), ref ? `${str(ref.namespace)}/${str(ref.name)}` : '', str(get(o, 'spec.storageClassName')), '<unset>', str(get(o, 'status.reason')), age(o, now), str(get(o, 'spec.volumeMode'))];
    },
  ],
  persistentvolumeclaims: [
    [nameCol, c('Status'), c('Volume'), c('Capacity'), c('Access Modes'), c('StorageClass'), c('VolumeAttributesClass'), ageCol, c('VolumeMode', 1)],
    (o, now) => [o.metadata.name, volumePhase(o), str(get(o, 'spec.volumeName')), str(get(o, 'status.capacity.storage')), modes(get(o, 'status.accessModes')), str(get(o, 'spec.storageClassName')), '<unset>', age(o, now), str(get(o, 'spec.volumeMode'))],
  ],
  secrets: [[nameCol, c('Type'), { name: 'Data', type: 'string', priority: 0 }, ageCol], (o, now) => [o.metadata.name, str(o.type), Object.keys((o.data as Obj | undefined) ?? {}).length, age(o, now)]],
  configmaps: [[nameCol, { name: 'Data', type: 'string', priority: 0 }, ageCol], (o, now) => [o.metadata.name, Object.keys((o.data as Obj | undefined) ?? {}).length + Object.keys((o.binaryData as Obj | undefined) ?? {}).length, age(o, now)]],
  namespaces: [[nameCol, c('Status'), ageCol], (o, now) => [o.metadata.name, str(get(o, 'status.phase')), age(o, now)]],
  events: [
    [c('Last Seen'), c('Type'), c('Reason'), c('Object'), c('Message')],
    (o, now) => [humanAge(o.lastTimestamp ?? o.metadata.creationTimestamp, now), str(o.type), str(o.reason), `${str(get(o, 'involvedObject.kind')).toLowerCase()}/${str(get(o, 'involvedObject.name'))}`, str(o.message)],
  ],
  customresourcedefinitions: [[nameCol, c('Created At')], (o) => [o.metadata.name, str(o.metadata.creationTimestamp)]],
  storageclasses: [
    [nameCol, c('Provisioner'), c('ReclaimPolicy'), c('VolumeBindingMode'), c('AllowVolumeExpansion'), ageCol],
    (o, now) => {
      const dflt = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'].some((a) => get(o, `metadata.annotations`) && (o.metadata.annotations as Obj)[a] === 'true');
      return [`${o.metadata.name}${dflt ? ' (default)' : ''}`, str(o.provisioner), str(o.reclaimPolicy ?? 'Delete'), str(o.volumeBindingMode ?? 'Immediate'), String(o.allowVolumeExpansion ?? false), age(o, now)];
    },
  ],
  // printPod: READY as ready/total containers, STATUS the container's waiting or terminated reason over the phase.
  pods: [[nameCol, c('Ready'), c('Status'), c('Restarts'), ageCol], (o, now) => [o.metadata.name, podReady(o), podStatusWord(o), 0, age(o, now)]],
};

/** Columns and cell function for a type: built-in printers, or Name + the CRD's additionalPrinterColumns. */
function columnsFor(t: ResourceType): [Col[], Cells] {
  const b = BUILTIN[t.plural];
  if (b) return b;
  const pcs = t.printerColumns ?? [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
  const cols: Col[] = [nameCol, ...pcs.map((p) => ({ name: p.name, type: p.type === 'date' ? 'date' : p.type, description: p.description ?? '', priority: 0 }))];
  return [cols, (o, now) => [o.metadata.name, ...pcs.map((p) => (p.type === 'date' ? humanAge(get(o, p.jsonPath), now) : str(get(o, p.jsonPath))))]];
}

/** Build a meta.k8s.io/v1 Table; `includeObject` is None, Metadata (default) or Object. */
export function toTable(t: ResourceType, objs: KubeObject[], rv: string, includeObject: string | null, now: Date): Obj {
  const [cols, cells] = columnsFor(t);
  const inc = includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: rv },
    columnDefinitions: cols,
    rows: objs.map((o) => ({
      cells: cells(o, now),
      ...(inc === 'None' ? {} : { object: inc === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }),
    })),
  };
}

/** Does this Accept header ask for a v1 Table (as `kubectl get` does)? */
export const wantsTable = (accept: string | undefined): boolean => /as=Table;v=v1;g=meta\.k8s\.io/.test(accept ?? '');
