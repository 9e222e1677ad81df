import type { AlertEntry } from './alert-rules';

/**
 * The alert state: one entry per open finding. `apply` merges — it writes only `put` and deletes only `remove`,
 * keeping whatever another run wrote in between (the ConfigMap store retries on 409 Conflict).
 */
export interface AlertStore {
  load(): Promise<AlertEntry[]>;
  apply(put: readonly AlertEntry[], remove: readonly string[], now: Date): Promise<void>;
}

/** Entries nobody has seen for this long are dropped (the action stopped running or the target is gone). */
export const ALERT_MAX_AGE_DAYS = 30;
/** ConfigMap data is capped at 1 MiB for the whole object; keep a margin. */
export const ALERT_STORE_MAX_BYTES = 900_000;

const KEY = /^f-([0-9a-f]{16})$/;
export const alertKey = (fp: string): string => `f-${fp}`;

/** Read ConfigMap data into entries; an entry that does not parse is skipped (told again if still found). */
export function decodeAlerts(data: Readonly<Record<string, string>> | undefined): AlertEntry[] {
  const out: AlertEntry[] = [];
  for (const [k, v] of Object.entries(data ?? {})) {
    if (!KEY.test(k)) continue;
    try {
      const e = JSON.parse(v) as AlertEntry;
      if (typeof e.fp === 'string' && typeof e.action === 'string' && typeof e.target === 'string') out.push(e);
    } catch {
      continue; // hand-edited or torn: dropping it can only make us tell twice, never stay silent
    }
  }
  return out;
}

/**
 * Merge our changes into data another writer may have changed since we read it. Entries unseen for
 * ALERT_MAX_AGE_DAYS go; if the result is still over `maxBytes`, the oldest-seen entries go first.
 */
export function mergeAlerts(
  data: Readonly<Record<string, string>> | undefined,
  put: readonly AlertEntry[],
  remove: readonly string[],
  now: Date,
  maxBytes = ALERT_STORE_MAX_BYTES,
): Record<string, string> {
  const next: Record<string, string> = { ...data };
  for (const fp of remove) delete next[alertKey(fp)];
  for (const e of put) next[alertKey(e.fp)] = JSON.stringify(e);
  const cutoff = now.getTime() - ALERT_MAX_AGE_DAYS * 86_400_000;
  const entries = decodeAlerts(next).sort((a, b) => Date.parse(a.lastSeen) - Date.parse(b.lastSeen));
  for (const e of entries) if (Date.parse(e.lastSeen) < cutoff) delete next[alertKey(e.fp)];
  let bytes = Object.entries(next).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  for (const e of entries) {
    if (bytes <= maxBytes) break;
    const k = alertKey(e.fp);
    if (next[k] === undefined) continue;
    bytes -= Buffer.byteLength(k) + Buffer.byteLength(next[k]!);
    delete next[k];
  }
  return next;
}

/** In-memory store (unit tests, and the same merge rules as the ConfigMap). `fail` makes every call throw. */
export function memoryAlertStore(): AlertStore & { data: Record<string, string>; fail?: Error; writes: number } {
  const s = {
    data: {} as Record<string, string>,
    fail: undefined as Error | undefined,
    writes: 0,
    load: async () => {
      if (s.fail) throw s.fail;
      return decodeAlerts(s.data);
    },
    apply: async (put: readonly AlertEntry[], remove: readonly string[], now: Date) => {
      if (s.fail) throw s.fail;
      s.data = mergeAlerts(s.data, put, remove, now);
      s.writes++;
    },
  };
  return s;
}

/** The open findings, worst and oldest first — the read function for `ops status`. */
export async function readOpenFindings(store: AlertStore, action?: string): Promise<AlertEntry[]> {
  const rank = { fail: 0, warn: 1 } as const;
  return (await store.load())
    .filter((e) => !action || e.action === action)
    .sort((a, b) => rank[a.severity] - rank[b.severity] || Date.parse(a.firstSeen) - Date.parse(b.firstSeen));
}
