import { AppError, toAppError } from '#shared/errors/index';
import { inventory, isVerified, listBackupObjects } from '../inventory';
import { applyRetention, type RetentionOutcome } from '../retention/apply-retention';
import { findRunRecord, RUN_RECORD_SCHEMA, saveRunRecord, type RunRecord } from '../run-record';
import { sendBackupReport } from './backup-mail';
import type { BackupReport } from './backup-report';
import { fixFor } from './fix-hints';
import type { BackupDeps, BackupRunOptions } from './run-backup';
import { step } from './step-log';

const NOTHING = 'kept: a run that was not verified deletes nothing';
/** How long an attempt that lost the verified-record claim waits for the winner's report (retention takes seconds). */
export const OWNER_WAIT_MS = 60_000;

/** The run record's report once the attempt that owns the run has reported it (polled); undefined at the deadline. */
async function waitForReport(d: BackupDeps, o: BackupRunOptions): Promise<BackupReport | undefined> {
  const until = d.clock.now().getTime() + OWNER_WAIT_MS;
  for (;;) {
    const rec = await findRunRecord(d.oss, o.script.ossPrefix, o.runKey).catch(() => undefined);
    if (rec?.kind === 'found' && rec.record.state === 'reported' && rec.record.report) return rec.record.report;
    if (d.clock.now().getTime() >= until) return undefined;
    await d.clock.sleep(1_000);
  }
}

/**
 * Finish one run: retention (only after THIS run was verified) or, for any other outcome, a read-only count of what
 * is kept; persist the report in the run record; mail it. Throws (retryable) when FC should retry this task: the
 * failure report could not be mailed (the retry re-sends it from the record), or the host was still running at the
 * deadline (the retry follows the same invocation). Never throws when no retry could find the run record.
 */
export async function reportRun(d: BackupDeps, o: BackupRunOptions, r: BackupReport, rec: RunRecord, saved: boolean): Promise<BackupReport> {
  const retention = { ...o.retention, now: d.clock.now() };
  if (r.recordedByOther) {
    // Two attempts of one task followed the same invocation (an at-least-once re-delivery) and the other one wrote
    // the verified record: it owns retention and the report. Wait for its report instead of telling twice; if it
    // never comes (that attempt died), report ourselves — telling twice beats staying silent.
    const theirs = await waitForReport(d, o);
    if (theirs) return { ...theirs, replayed: true };
    d.log.warn('the attempt that recorded this run did not report it in time: reporting here', { name: r.name, waitedMs: OWNER_WAIT_MS });
  }
  if (r.status === 'verified') {
    r.retention = await step(d, 'retention', async () => {
      try {
        return await applyRetention(d.oss, inventory(await listBackupObjects(d.oss, o.script), o.script), retention);
      } catch (e) {
        return emptyOutcome(`retention skipped: could not list the backups: ${toAppError(e).message}`);
      }
    }, (x) => `pruned ${x.pruned.length}`);
  } else if (!r.retention) {
    r.retention = await step(d, 'inventory', async () => {
      try {
        const inv = inventory(await listBackupObjects(d.oss, o.script), o.script);
        const kept = inv.backups.filter(isVerified).map((b) => ({ name: b.name, reason: NOTHING }));
        return { ...emptyOutcome(), kept, leftovers: inv.backups.filter((b) => b.hasArchive && !isVerified(b)).map((b) => b.name), partialsKept: inv.partials.map((p) => p.key) };
      } catch (e) {
        return emptyOutcome(`could not list the backups on OSS: ${toAppError(e).message}`);
      }
    }, () => 'pruned 0');
  }
  const verifiedKept = r.retention!.kept.filter((k) => !r.retention!.leftovers.includes(k.name));
  r.backupsKept = verifiedKept.length;
  if (r.status === 'running') return mailThenThrow(d, o, r, rec, saved);
  return mailAndRecord(d, o, r, rec, saved);
}

/** A failed run's report is persisted before the mail, so a retry after a failed mail finds it and re-sends it. */
export async function mailAndRecord(d: BackupDeps, o: BackupRunOptions, r: BackupReport, rec: RunRecord, saved: boolean): Promise<BackupReport> {
  const attempts = (r.mail?.attempts ?? 0) + 1;
  const persist = async (): Promise<void> => {
    if (saved) await saveRunRecord(d.oss, o.script.ossPrefix, { ...rec, schema: RUN_RECORD_SCHEMA, state: 'reported', invokeId: r.invokeId ?? rec.invokeId, updatedAt: d.clock.now().toISOString(), report: r });
  };
  r.mail = { sent: false, failed: true, attempts, detail: 'not sent yet' };
  await persist();
  await step(d, 'mail', async () => {
    r.mail = await sendBackupReport(d, r, attempts);
  }, () => (r.mail?.failed ? 'failed' : r.mail?.sent ? 'sent' : 'skipped'));
  await persist();
  if (r.mail?.failed && r.status === 'failed' && saved) {
    throw new AppError('MAIL', `backup ${r.name} failed and its report could not be mailed or sent on any channel (${r.mail.detail}); FC retries this task to re-send the report, not the backup`, {
      retryable: true,
      details: { name: r.name, step: r.step, fix: fixFor('mail', { mountDir: o.script.mountDir, stagingDir: o.script.stagingDir }) },
    });
  }
  return r;
}

async function mailThenThrow(d: BackupDeps, o: BackupRunOptions, r: BackupReport, rec: RunRecord, saved: boolean): Promise<never | BackupReport> {
  r.mail = await sendBackupReport(d, r, 1);
  if (!saved) return r;
  await saveRunRecord(d.oss, o.script.ossPrefix, { ...rec, invokeId: r.invokeId ?? rec.invokeId, updatedAt: d.clock.now().toISOString() });
  throw new AppError('TIMEOUT', `backup ${r.name} is still running on ${r.instanceId} at the worker's deadline; FC's retry of this task follows the same invocation`, { retryable: true, details: { name: r.name, invokeId: r.invokeId } });
}

function emptyOutcome(error?: string): RetentionOutcome {
  return { kept: [], pruned: [], leftovers: [], partialsRemoved: [], partialsKept: [], runRecordsRemoved: 0, errors: error ? [error] : [] };
}
