/**
 * The ImageCache CRD as Alibaba publishes it (`imagecache-crd-sample.yaml`, installed by ack-virtual-node):
 * group eci.alibabacloud.com, version v1, cluster scope, short name `ic`, category `all`, status subresource, the
 * openAPIV3Schema below and the Age/CacheId/Phase/Progress printer columns. Sources:
 * https://help.aliyun.com/zh/eci/user-guide/manage-image-caches-1 and
 * https://alibabacloud.com/help/en/eci/user-guide/kubernetes-imagecache-api.
 *
 * Alibaba's sample is an apiextensions.k8s.io/v1beta1 CRD whose root lacks `type: object` (non-structural, no
 * pruning). We serve it as a v1 CRD with a structural schema — the same constraints plus `type: object` at the root
 * and a free-form `status` — so the apiserver validates and prunes as it does for every v1 CRD. UNCONFIRMED: whether
 * the copy on a real ASK cluster prunes unknown spec fields; nothing we send has any.
 */
export const IMAGECACHE_SCHEMA = {
  type: 'object',
  required: ['spec'],
  properties: {
    spec: {
      type: 'object',
      required: ['images'],
      properties: {
        // "namespace:secretName" pairs.
        imagePullSecrets: { type: 'array', items: { type: 'string' } },
        images: { type: 'array', minItems: 1, items: { type: 'string' } },
        // GiB, 20–32768 (default 20): documented, not in the schema.
        imageCacheSize: { type: 'integer' },
        // 1–65536 days; unset = never expires.
        retentionDays: { type: 'integer' },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

export const IMAGECACHE_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'imagecaches.eci.alibabacloud.com' },
  spec: {
    group: 'eci.alibabacloud.com',
    scope: 'Cluster',
    names: { kind: 'ImageCache', listKind: 'ImageCacheList', plural: 'imagecaches', singular: 'imagecache', shortNames: ['ic'], categories: ['all'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: IMAGECACHE_SCHEMA },
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
