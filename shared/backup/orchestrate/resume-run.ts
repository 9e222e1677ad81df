import { backupRunName } from '../run-name';
import { findRunRecord, RUN_RECORD_SCHEMA, saveRunRecord, type RunRecord } from '../run-record';
import type { BackupReport } from './backup-report';
import type { BackupDeps, BackupRunOptions } from './run-backup';

/** What this attempt does with its run key. */
export type Resume =
  /** Back up (a new run, or one an earlier attempt of this task started): `saved` = the run record is on OSS. */
  | { kind: 'run'; record: RunRecord; saved: boolean; resumed: boolean }
  /** An earlier attempt of this task already reported: return that report again, no new backup, no repeat mail. */
  | { kind: 'replay'; report: BackupReport }
  /** An earlier attempt reported a failure but could not mail it: send that report again (FC retried for this). */
  | { kind: 'remail'; record: RunRecord }
  /** The record exists (or may) but cannot be read: never start a second backup for this task. */
  | { kind: 'blocked'; name: string; cause: string };

/**
 * Decide from the run record (docs/adr/0016 "Run identity"): one invocation = one backup. FC's retries of the same
 * task share the run key, so they find the record and follow, re-report or re-mail that run; any other invocation
 * has its own key and starts its own backup — an old failure is never replayed to it.
 */
export async function resumeRun(d: BackupDeps, o: BackupRunOptions): Promise<Resume> {
  const prefix = o.script.ossPrefix;
  const found = await findRunRecord(d.oss, prefix, o.runKey);
  if (found.kind === 'found') {
    const rec = found.record;
    if (rec.state === 'reported' && rec.report) return rec.report.mail?.failed ? { kind: 'remail', record: rec } : { kind: 'replay', report: { ...rec.report, replayed: true } };
    d.log.info('resuming this task\'s backup run', { name: rec.name, invokeId: rec.invokeId });
    return { kind: 'run', record: rec, saved: true, resumed: true };
  }
  const name = backupRunName({ at: o.startedAt, key: o.runKey, ...(o.label ? { label: o.label } : {}), ...(o.timeZone ? { timeZone: o.timeZone } : {}) });
  if (found.kind === 'unreadable' && found.exists) {
    return { kind: 'blocked', name, cause: `cannot read the run record of this task (${found.error.message}); an earlier attempt of this task started a run, so this attempt does not start another backup` };
  }
  const now = d.clock.now().toISOString();
  const record: RunRecord = { schema: RUN_RECORD_SCHEMA, key: o.runKey, name, ...(o.label ? { label: o.label } : {}), createdAt: now, updatedAt: now, state: 'started' };
  const saved = await saveRunRecord(d.oss, prefix, record);
  // Nothing started yet: a transient OSS error is worth FC's retry; a refusal (no PutObject) is not, so go on
  // without the record — the backup matters more — and never throw for the report later (no retry could find it).
  if (saved.error?.retryable) throw saved.error;
  if (!saved.saved) d.log.warn('run record not written; an FC retry of this task could not find this run', { error: saved.error });
  return { kind: 'run', record, saved: saved.saved, resumed: false };
}
