import type { ImageCache, ImageCacheEvent } from '#shared/kube/port';

/**
 * What an ImageCache's status says, read the way Alibaba documents it
 * (https://alibabacloud.com/help/en/eci/user-guide/kubernetes-imagecache-api):
 * - `Ready` is the only documented phase; it comes with `expireDateTime` (retention end);
 * - a failed creation is not Ready and expires 24 h after creation, so **a non-Ready cache carrying expireDateTime
 *   has failed**, whatever its phase string (`Failed` per the ECI OpenAPI, or a progress phase that stays) —
 *   the phase names other than Ready are UNCONFIRMED, and this rule does not depend on them, except `Updating` (a
 *   cache that was Ready keeps its retention expiry while its spec changes; see UPDATING);
 * - `status.events` are core/v1 Event objects named after the image (`metadata.name`), with `type`, `message`,
 *   `count`, `firstTimestamp`/`lastTimestamp`: the cause of a failure is the newest Warning event.
 */
export type CacheHealth =
  | { state: 'ready'; phase: string }
  | { state: 'pending'; phase: string }
  | { state: 'failed'; phase: string; why: string };

/** Phases the ECI OpenAPI names for a failure (`DescribeImageCaches` Status). */
const FAILED_PHASES = new Set(['Failed', 'UpdateFailed']);
/**
 * A cache whose spec changed after it was Ready may still carry the expireDateTime of its Ready days while it is
 * `Updating` (whether ECI keeps or clears it is UNCONFIRMED), so the expiry rule skips that phase; a failed update is
 * `UpdateFailed`, and one stuck in `Updating` ends at the caller's Ready deadline, not here.
 */
const UPDATING = 'Updating';

const when = (e: ImageCacheEvent): number => {
  const t = Date.parse(String(e.lastTimestamp ?? e.firstTimestamp ?? e.timestamp ?? ''));
  return Number.isNaN(t) ? 0 : t;
};

/**
 * The newest Warning event as one line, naming the image: `registry.internal/app:1: Failed to pull image …`.
 * Undefined when ECI reported no failure event.
 */
export function failureCause(ic: ImageCache | undefined): string | undefined {
  const warnings = (ic?.status?.events ?? []).map((e, i) => ({ e, i })).filter(({ e }) => e.type === 'Warning');
  if (!warnings.length) return undefined;
  // Newest by lastTimestamp; the later entry wins a tie (events are appended).
  const { e } = warnings.sort((a, b) => when(a.e) - when(b.e) || a.i - b.i).at(-1)!;
  const image = e.metadata?.name;
  const message = e.message ?? e.reason ?? 'failed';
  const repeated = e.count && e.count > 1 ? ` (×${e.count})` : '';
  return `${image && !message.includes(image) ? `${image}: ` : ''}${message}${repeated}`;
}

/** Ready, still being built, or failed (with its cause). */
export function cacheHealth(ic: ImageCache | undefined): CacheHealth {
  const phase = ic?.status?.phase ?? '';
  if (phase === 'Ready') return { state: 'ready', phase };
  const expires = ic?.status?.expireDateTime;
  if (FAILED_PHASES.has(phase) || (expires && phase !== UPDATING)) {
    const why = failureCause(ic) ?? `phase ${phase || '(none)'}, no failure event reported${expires ? `; ECI removes it at ${expires}` : ''}`;
    return { state: 'failed', phase: phase || 'Failed', why };
  }
  return { state: 'pending', phase: phase || 'Pending' };
}
