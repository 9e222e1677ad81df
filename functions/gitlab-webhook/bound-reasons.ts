import type { Classification } from '#shared/gitlab/hooks/index';
import { clip } from '#shared/log/index';

/**
 * Reasons quote payload text (project paths, refs, event names, file names), which a sender controls and can make
 * megabytes long. They go into worker requests (`source.reason`), the 202 reply and logs, so they are cut here.
 */
export const MAX_REASON_CHARS = 200;
/** Event labels in log lines (from `event_name`/`object_kind`, also sender text). */
export const MAX_LABEL_CHARS = 100;

/** The classification with every reason cut to MAX_REASON_CHARS. */
export function boundReasons(c: Classification): Classification {
  return {
    ...c,
    reason: clip(c.reason, MAX_REASON_CHARS),
    requests: c.requests.map((r) => (r.source?.reason === undefined ? r : { ...r, source: { ...r.source, reason: clip(r.source.reason, MAX_REASON_CHARS) } })),
  };
}
