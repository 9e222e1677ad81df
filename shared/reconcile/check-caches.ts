import { cacheHealth } from '#shared/imagecache/cache-status';
import type { ImageCache } from '#shared/kube/port';
import type { ObjectReport } from './types';

/** The ImageCache line of the report: how many caches per phase; Failed ones make it Degraded (prewarm owns them). */
export function checkCaches(caches: ImageCache[]): ObjectReport & { byPhase: Record<string, number> } {
  const byPhase: Record<string, number> = {};
  for (const c of caches) byPhase[c.status?.phase ?? 'Unknown'] = (byPhase[c.status?.phase ?? 'Unknown'] ?? 0) + 1;
  // Failed = not Ready and carrying expireDateTime, or a failure phase (shared/imagecache/cache-status.ts).
  const failed = caches.filter((c) => cacheHealth(c).state === 'failed').map((c) => c.metadata.name).sort();
  return {
    target: 'ImageCache/*',
    state: failed.length ? 'Degraded' : 'Synced',
    reasons: failed.length ? [`${failed.length} of ${caches.length} ImageCache(s) Failed: ${failed.slice(0, 10).join(', ')}${failed.length > 10 ? ', …' : ''} (the prewarm action replaces them)`] : [],
    byPhase,
  };
}
