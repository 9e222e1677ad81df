import type { OssPort } from '#shared/cloud/oss/index';
import { toAppError, type AppError } from '#shared/errors/index';
import { listPrefix } from './inventory';
import type { BackupReport } from './orchestrate/backup-report';
import { runKeyHash } from './run-name';

/** Schema of `runs/<digest>.json`. */
export const RUN_RECORD_SCHEMA = 'gitlab-ask-ops/backup-run@1';

/**
 * The state of one invocation's backup run on OSS, keyed by its run key: written before RunCommand (so an FC retry
 * of the same task finds the name and follows the invocation) and again with the final report (so a retry after a
 * failed mail re-sends the report instead of backing up again). See docs/adr/0016 "Run identity".
 */
export interface RunRecord {
  schema: typeof RUN_RECORD_SCHEMA;
  key: string;
  name: string;
  label?: string;
  createdAt: string;
  updatedAt: string;
  invokeId?: string;
  state: 'started' | 'reported';
  report?: BackupReport;
}

/** Where a run key's record lives: `<prefix>runs/<sha256(key)[0..24]>.json`. */
export function runRecordKey(ossPrefix: string, key: string): string {
  return `${listPrefix(ossPrefix)}runs/${runKeyHash(key)}.json`;
}

/** A lookup: the record, none, or one that exists (or may) but cannot be read. */
export type RunRecordLookup =
  | { kind: 'found'; record: RunRecord }
  | { kind: 'absent' }
  | { kind: 'unreadable'; error: AppError; exists: boolean };

/**
 * Find the run record of `key`. Retryable errors are thrown (nothing has started: FC may retry). A non-retryable
 * read error (AccessDenied when the role lacks oss:GetObject) is answered from the listing: `exists` false means this
 * task never ran, so a new backup is safe; true means it did, so the caller must not start another. When the listing
 * fails too, OSS refuses us altogether (wrong keys, no bucket): that error is thrown — nothing has started.
 */
export async function findRunRecord(oss: OssPort, ossPrefix: string, key: string): Promise<RunRecordLookup> {
  const at = runRecordKey(ossPrefix, key);
  try {
    const text = await oss.getText(at);
    if (text === undefined) return { kind: 'absent' };
    const rec = JSON.parse(text) as RunRecord;
    if (rec.schema !== RUN_RECORD_SCHEMA || rec.key !== key || typeof rec.name !== 'string') return { kind: 'unreadable', error: toAppError(new Error(`${at} is not a run record of this task`), 'BACKUP_FAILED'), exists: true };
    return { kind: 'found', record: rec };
  } catch (e) {
    const error = toAppError(e, 'BACKUP_FAILED');
    if (error.retryable) throw error;
    const exists = (await oss.list(at)).some((o) => o.key === at);
    return { kind: 'unreadable', error, exists };
  }
}

/** Write the record; false (and the error) when OSS refused it — the caller then cannot promise a report retry. */
export async function saveRunRecord(oss: OssPort, ossPrefix: string, rec: RunRecord): Promise<{ saved: boolean; error?: AppError }> {
  try {
    await oss.putJson(runRecordKey(ossPrefix, rec.key), rec);
    return { saved: true };
  } catch (e) {
    return { saved: false, error: toAppError(e) };
  }
}
