import type { VerifiedFile } from './verify-backup';

/** Schema of `verified/<name>.json`. */
export const VERIFIED_SCHEMA = 'gitlab-ask-ops/verified@1';

/**
 * What the worker writes after it verified a backup on OSS: the mark retention counts (BACKUP_KEEP_MIN) and the
 * watchdog ages. Times are ISO strings; `createdAt` is when the backup was taken (the host manifest's start).
 */
export interface VerifiedRecord {
  schema: typeof VERIFIED_SCHEMA;
  name: string;
  label?: string;
  createdAt: string;
  verifiedAt: string;
  instanceId: string;
  invokeId?: string;
  startedAt?: string;
  finishedAt?: string;
  gitlabVersion?: string;
  /** Archive + config bytes. */
  sizeBytes: number;
  files: VerifiedFile[];
}

const date = (v: unknown): Date | undefined => {
  const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  return Number.isNaN(t) ? undefined : new Date(t);
};

/** Parse a record leniently (older records lack `createdAt`/`sizeBytes`); undefined when it is not JSON or not ours. */
export function parseVerifiedRecord(text: string): Partial<VerifiedRecord> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Partial<VerifiedRecord>) : undefined;
  } catch {
    // A record that does not parse is reported as unreadable by the caller.
    return undefined;
  }
}

/**
 * When a verified backup was taken and verified, from its record: `createdAt`, else the older fields
 * (`startedAt`, `finishedAt`, `verifiedAt`), else `written` (the record object's Last-Modified on OSS). Never the
 * backup's name: a name is an identifier, not evidence of age.
 */
export function recordTimes(rec: Partial<VerifiedRecord> | undefined, written: Date): { createdAt: Date; verifiedAt: Date } {
  const verifiedAt = date(rec?.verifiedAt) ?? written;
  return { createdAt: date(rec?.createdAt) ?? date(rec?.startedAt) ?? date(rec?.finishedAt) ?? verifiedAt, verifiedAt };
}
