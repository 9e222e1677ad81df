import { createHash } from 'node:crypto';
import { IMAGECACHE_GROUP, IMAGECACHE_VERSION, type ImageCache } from '#shared/kube/port';
import type { PlanOptions, PodSetSource } from './types';

/** Our label: caches without it are never deleted or relied on. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'gitlab-ask-ops';
/** Full sha256 of the sorted image list (the name carries only 12 hex digits of it). */
export const IMAGES_HASH_ANNOTATION = 'gitlab-ask-ops/images-sha256';
/** Refresh generation: 0 for the first cache of a content, +1 per refresh. */
export const GENERATION_ANNOTATION = 'gitlab-ask-ops/generation';
/** The cache a refresh replaces (deleted once this one is Ready). */
export const SUPERSEDES_ANNOTATION = 'gitlab-ask-ops/supersedes';
/** Who used the cache when it was made (`p<id>`, `runner`, `baseline`): finds its replacements later. */
export const SOURCES_ANNOTATION = 'gitlab-ask-ops/sources';
/** Label selector for our caches. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;

/** sha256 hex of the sorted, unique image list. */
export function imagesHash(images: readonly string[]): string {
  return createHash('sha256').update([...new Set(images)].sort().join('\n')).digest('hex');
}

/** `gao-<sha256(sorted images)[:12]>`, plus `-g<n>` for a refresh generation n > 0. */
export function cacheName(images: readonly string[], generation = 0): string {
  const base = `gao-${imagesHash(images).slice(0, 12)}`;
  return generation > 0 ? `${base}-g${generation}` : base;
}

/** True for caches carrying our label. */
export const isManaged = (ic: ImageCache): boolean => ic.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;

/** The refresh generation recorded on a cache (0 when absent or unreadable). */
export function generationOf(ic: ImageCache): number {
  const n = Number(ic.metadata.annotations?.[GENERATION_ANNOTATION] ?? 0);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/** Source keys as recorded in SOURCES_ANNOTATION. */
export function sourceKey(s: PodSetSource): string {
  return s.kind === 'job' ? `p${s.projectId ?? s.project ?? '?'}` : s.kind;
}

/** Source keys of an observed cache; undefined when it carries none (then every desired cache counts as its replacement). */
export function recordedSources(ic: ImageCache): Set<string> | undefined {
  const v = ic.metadata.annotations?.[SOURCES_ANNOTATION];
  return v === undefined ? undefined : new Set(v.split(',').filter(Boolean));
}

/** The ImageCache manifest for `images` (cluster-scoped, pull secrets `ns:name`, size GiB:
 * https://www.alibabacloud.com/help/en/eci/user-guide/kubernetes-imagecache-api). */
export function buildImageCache(
  images: readonly string[],
  generation: number,
  sources: readonly string[],
  opts: Pick<PlanOptions, 'pullSecrets' | 'sizeGiB' | 'retentionDays'>,
  supersedes?: string,
): ImageCache {
  const sorted = [...new Set(images)].sort();
  return {
    apiVersion: `${IMAGECACHE_GROUP}/${IMAGECACHE_VERSION}` as ImageCache['apiVersion'],
    kind: 'ImageCache',
    metadata: {
      name: cacheName(sorted, generation),
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: {
        [IMAGES_HASH_ANNOTATION]: imagesHash(sorted),
        [GENERATION_ANNOTATION]: String(generation),
        [SOURCES_ANNOTATION]: [...new Set(sources)].sort().join(','),
        ...(supersedes ? { [SUPERSEDES_ANNOTATION]: supersedes } : {}),
      },
    },
    spec: {
      images: sorted,
      ...(opts.pullSecrets.length ? { imagePullSecrets: [...opts.pullSecrets] } : {}),
      imageCacheSize: opts.sizeGiB,
      retentionDays: opts.retentionDays,
    },
  };
}
