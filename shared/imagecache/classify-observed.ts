import type { ImageCache } from '#shared/kube/port';
import { cacheHealth } from './cache-status';
import { isMutableRef } from './mutable-tag';
import type { PlanOptions } from './types';

/** How the planner sees one of our caches: serving or about to (`usable`), due for a refresh (`stale`), or `failed`. */
export interface ObservedCache {
  ic: ImageCache;
  name: string;
  images: Set<string>;
  state: 'usable' | 'stale' | 'failed';
  phase: string;
  /** Why it is stale or failed. */
  why?: string;
}

const HOUR = 3_600_000;

/**
 * Classify a managed cache. Stale: retention ends within `refreshBeforeDays` (status.expireDateTime), or it holds a
 * moving tag and is older than `mutableRefreshHours` (ECI never re-pulls a moved tag into an existing cache).
 */
export function classifyObserved(ic: ImageCache, opts: Pick<PlanOptions, 'now' | 'refreshBeforeDays' | 'mutableRefreshHours'>): ObservedCache {
  const health = cacheHealth(ic);
  // A failed cache is `Failed` to the planner whatever ECI's phase string (cache-status.ts): deletes and supersedes
  // key on it.
  const phase = health.state === 'failed' ? 'Failed' : health.phase;
  const base = { ic, name: ic.metadata.name, images: new Set(ic.spec?.images ?? []), phase };
  if (health.state === 'failed') return { ...base, state: 'failed', why: health.why };
  const now = opts.now.getTime();
  const expire = Date.parse(ic.status?.expireDateTime ?? '');
  // A window as long as the retention would refresh every new cache at once: keep at least one day of use.
  const retention = ic.spec?.retentionDays ?? Infinity;
  const windowDays = Math.min(opts.refreshBeforeDays, Math.max(0, retention - 1));
  if (phase === 'Ready' && Number.isFinite(expire) && expire - now <= windowDays * 24 * HOUR) {
    return { ...base, state: 'stale', why: `retention ends ${ic.status!.expireDateTime} (within ${windowDays} d)` };
  }
  const born = new Date(ic.status?.startTime ?? ic.metadata.creationTimestamp ?? NaN).getTime();
  const moving = [...base.images].filter(isMutableRef);
  if (phase === 'Ready' && moving.length && Number.isFinite(born) && now - born >= opts.mutableRefreshHours * HOUR) {
    return { ...base, state: 'stale', why: `moving tag ${moving[0]} cached more than ${opts.mutableRefreshHours} h ago` };
  }
  return { ...base, state: 'usable' };
}
