import type { Env } from '#shared/config/index';
import type { PlanOptions } from './types';

/** Planner options from the parsed config (IMAGECACHE_*), at `now`. */
export function plannedOptions(e: Env, now: Date): PlanOptions {
  return {
    now,
    pullSecrets: e.IMAGECACHE_PULL_SECRETS,
    sizeGiB: e.IMAGECACHE_SIZE_GIB,
    retentionDays: e.IMAGECACHE_RETENTION_DAYS,
    refreshBeforeDays: e.IMAGECACHE_REFRESH_BEFORE_DAYS,
    mutableRefreshHours: e.IMAGECACHE_MUTABLE_REFRESH_HOURS,
    maxCaches: e.IMAGECACHE_MAX_CACHES,
    maxImages: e.IMAGECACHE_MAX_IMAGES,
  };
}
