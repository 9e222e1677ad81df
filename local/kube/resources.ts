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

export const BUILTIN_TYPES: ResourceType[] = [
  core('Namespace', 'namespaces', false, ['ns'], true),
  core('PersistentVolume', 'persistentvolumes', false, ['pv'], true),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc'], true),
  core('Secret', 'secrets', true, [], false),
  core('ConfigMap', 'configmaps', true, ['cm'], false),
  core('Event', 'events', true, ['ev'], false),
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
    names?: { kind?: string; listKind?: string; plural?: string; singular?: string; shortNames?: string[] };
    versions?: Array<{
      name?: string;
      served?: boolean;
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
    }));
}

/**
 * The ImageCache CRD as the emulator pre-installs it (facts/alibaba.md §6: cluster scope, short name `ic`, status
 * subresource). The printer columns are our guess at a useful `kubectl get ic` — the real CRD's are unconfirmed.
 */
export const IMAGECACHE_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'imagecaches.eci.alibabacloud.com' },
  spec: {
    group: 'eci.alibabacloud.com',
    scope: 'Cluster',
    names: { kind: 'ImageCache', listKind: 'ImageCacheList', plural: 'imagecaches', singular: 'imagecache', shortNames: ['ic'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        additionalPrinterColumns: [
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          { name: 'CacheId', type: 'string', jsonPath: '.status.imageCacheId' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Progress', type: 'string', jsonPath: '.status.progress' },
        ],
      },
    ],
  },
};
