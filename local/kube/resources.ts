import type { Schema } from './crd-validation';

/**
 * The resource types the emulator serves. Built-in kinds are fixed; custom kinds come from the
 * CustomResourceDefinition objects in the store (the ImageCache CRD is pre-installed, as ack-virtual-node does).
 */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Has a /status subresource: main-resource writes keep the old status, /status writes keep the old spec. */
  statusSubresource: boolean;
  /** Built-in kinds accept strategic-merge patches; custom resources answer 415 (kubectl-patch docs). */
  builtin: boolean;
  /** Bumps metadata.generation on spec changes. */
  generation: boolean;
  /** additionalPrinterColumns of a CRD (Table output). */
  printerColumns?: Array<{ name: string; type: string; jsonPath: string; description?: string }>;
  /** A CRD version's structural openAPIV3Schema (validation and pruning). */
  schema?: Schema;
  /** Discovery categories (`kubectl get all`). */
  categories?: string[];
  /** Verbs served when not the usual CRUD set (SelfSubjectAccessReview: create only). */
  verbs?: string[];
}

const core = (kind: string, plural: string, namespaced: boolean, shortNames: string[], status: boolean): ResourceType => ({
  group: '',
  version: 'v1',
  kind,
  listKind: `${kind}List`,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  shortNames,
  statusSubresource: status,
  builtin: true,
  generation: false,
});

const inGroup = (group: string, t: ResourceType, extra: Partial<ResourceType> = {}): ResourceType => ({ ...t, group, ...extra });

export const BUILTIN_TYPES: ResourceType[] = [
  core('Namespace', 'namespaces', false, ['ns'], true),
  core('PersistentVolume', 'persistentvolumes', false, ['pv'], true),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc'], true),
  core('Secret', 'secrets', true, [], false),
  core('ConfigMap', 'configmaps', true, ['cm'], false),
  core('Event', 'events', true, ['ev'], false),
  // Pods are stored (the PVC protection controller asks which pods use a claim) and run by the kubelet when one is
  // attached (./kubelet/kubelet.ts, ADR 0026: the restore drill's pods).
  { ...core('Pod', 'pods', true, ['po'], true), categories: ['all'] },
  inGroup('storage.k8s.io', core('StorageClass', 'storageclasses', false, ['sc'], false)),
  inGroup('rbac.authorization.k8s.io', core('Role', 'roles', true, [], false)),
  inGroup('rbac.authorization.k8s.io', core('RoleBinding', 'rolebindings', true, [], false)),
  inGroup('rbac.authorization.k8s.io', core('ClusterRole', 'clusterroles', false, [], false)),
  inGroup('rbac.authorization.k8s.io', core('ClusterRoleBinding', 'clusterrolebindings', false, [], false)),
  inGroup('authorization.k8s.io', core('SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, [], false), { verbs: ['create'] }),
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    listKind: 'CustomResourceDefinitionList',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    statusSubresource: true,
    builtin: true,
    generation: true,
  },
];

/** `apiVersion` string of a type. */
export const apiVersionOf = (t: ResourceType): string => (t.group ? `${t.group}/${t.version}` : t.version);

/** `<plural>` or `<plural>.<group>` — the resource name used in Status messages. */
export const qualifiedName = (t: ResourceType): string => (t.group ? `${t.plural}.${t.group}` : t.plural);

interface CrdLike {
  spec?: {
    group?: string;
    scope?: string;
    names?: { kind?: string; listKind?: string; plural?: string; singular?: string; shortNames?: string[]; categories?: string[] };
    versions?: Array<{
      name?: string;
      served?: boolean;
      schema?: { openAPIV3Schema?: Schema };
      subresources?: { status?: unknown };
      additionalPrinterColumns?: Array<{ name: string; type: string; jsonPath: string; description?: string }>;
    }>;
  };
}

/** Resource types a CRD object serves (one per served version). */
export function typesFromCrd(crd: CrdLike): ResourceType[] {
  const s = crd.spec;
  if (!s?.group || !s.names?.kind || !s.names.plural) return [];
  return (s.versions ?? [])
    .filter((v) => v.served !== false && v.name)
    .map((v) => ({
      group: s.group!,
      version: v.name!,
      kind: s.names!.kind!,
      listKind: s.names!.listKind ?? `${s.names!.kind!}List`,
      plural: s.names!.plural!,
      singular: s.names!.singular ?? s.names!.kind!.toLowerCase(),
      namespaced: s.scope !== 'Cluster',
      shortNames: s.names!.shortNames ?? [],
      statusSubresource: v.subresources?.status !== undefined,
      builtin: false,
      generation: true,
      ...(v.additionalPrinterColumns ? { printerColumns: v.additionalPrinterColumns } : {}),
      ...(v.schema?.openAPIV3Schema ? { schema: v.schema.openAPIV3Schema } : {}),
      ...(s.names!.categories ? { categories: s.names!.categories } : {}),
    }));
}
