import type { OssPort } from '#shared/cloud/oss/index';
import { isAppError, toAppError } from '#shared/errors/index';
import type { Logger } from '#shared/log/index';
import type { Mailer, RenderedMail } from '#shared/mail/index';
import type { Clock } from '#shared/runtime/index';
import type { EcsPort, InvocationResultInfo } from '../ecs-port';
import { inventoryBackups, verifiedRecordKey } from '../inventory';
import { checkRetention } from '../retention/check-retention';
import { backupNameFor, backupTimeOf, commandNameFor } from '../run-name';
import { backupKeys, base64Size, prefixDir, renderBackupScript, type BackupScriptConfig } from '../script/index';
import { verifyBackup } from '../verify/verify-backup';
import { renderFailureMail, renderSuccessMail } from './backup-mail';
import type { BackupReport } from './backup-report';
import { explainInvocation } from './explain-invocation';
import { pollInvocation } from './poll-invocation';

export interface BackupDeps {
  ecs: EcsPort;
  oss: OssPort;
  mail: Mailer;
  clock: Clock;
  log: Logger;
}

export interface BackupRunOptions {
  instanceId: string;
  /** Script settings (BACKUP_* env); the run name is derived from `runDate`. */
  script: Omit<BackupScriptConfig, 'runName'>;
  /** RunCommand Timeout (BACKUP_TIMEOUT_SECONDS). */
  timeoutSec: number;
  runDate: Date;
  /** The worker's deadline: stop polling and report before it. */
  deadline: Date;
  dryRun: boolean;
  /** Start a new run even when tonight's invocation or verified record exists (manual re-run after a fix). */
  force?: boolean;
  pollFirstMs?: number;
  hashMaxBytes?: number;
}

/**
 * The nightly backup: render the script → RunCommand on the GitLab host (or follow tonight's existing invocation) →
 * poll → explain the host outcome → verify independently on OSS → write `verified/<name>.json` → double-check
 * retention → mail. Host and verification failures are returned (status `failed`), never thrown: FC must not re-run
 * a long backup blindly. Errors thrown are the port's, before RunCommand was accepted (retryable ones let FC retry).
 */
export async function runBackup(d: BackupDeps, o: BackupRunOptions): Promise<BackupReport> {
  const name = backupNameFor(o.runDate);
  const script = renderBackupScript({ ...o.script, runName: name });
  const keys = backupKeys(o.script.ossPrefix, name);
  const recordKey = verifiedRecordKey(o.script.ossPrefix, name);
  const r: BackupReport = { name, status: 'planned', instanceId: o.instanceId, attached: false };
  if (o.dryRun) return { ...r, script: { bytes: Buffer.byteLength(script), base64Bytes: base64Size(script), text: script } };

  // Idempotency, checked before anything starts: a verified record or tonight's invocation means "already done/doing".
  if (!o.force && (await d.oss.head(recordKey))) return { ...r, status: 'already-verified', verifiedRecord: recordKey };
  const commandName = commandNameFor(name);
  const earlier = o.force ? [] : await d.ecs.findInvocations(o.instanceId, commandName);
  const started = d.clock.now();
  if (earlier[0]) {
    Object.assign(r, { invokeId: earlier[0].invokeId, attached: true });
    d.log.info('following tonight\'s invocation instead of starting another', { invokeId: r.invokeId, status: earlier[0].status });
  } else {
    try {
      r.invokeId = (await d.ecs.runCommand({ instanceId: o.instanceId, script, name: commandName, timeoutSec: o.timeoutSec })).invokeId;
    } catch (e) {
      const err = toAppError(e);
      if (err.retryable) throw err; // nothing started: FC's async retry may try again
      return finish(d, { ...r, status: 'failed', step: 'start', cause: `RunCommand was refused: ${err.message}` });
    }
  }

  let result: InvocationResultInfo;
  try {
    const polled = await pollInvocation(d.ecs, r.invokeId!, o.instanceId, { deadline: o.deadline, clock: d.clock, log: d.log, ...(o.pollFirstMs ? { firstMs: o.pollFirstMs } : {}) });
    if (polled.kind === 'deadline') {
      return finish(d, { ...r, status: 'running', step: 'poll', cause: `still ${polled.last?.status ?? 'Pending'} on ${o.instanceId} when the worker reached its deadline (${polled.polls} polls); the host keeps running it`, invocationStatus: polled.last?.status });
    }
    result = polled.result;
  } catch (e) {
    // RunCommand was accepted: a throw here would make FC start the job again, so report instead.
    return finish(d, { ...r, status: 'failed', step: 'poll', cause: `could not read the invocation result: ${toAppError(e).message}` });
  }

  const host = explainInvocation(result, o.timeoutSec);
  Object.assign(r, {
    invocationStatus: result.status,
    errorCode: result.errorCode || undefined,
    startedAt: (result.startTime ?? started).toISOString(),
    finishedAt: (result.finishedTime ?? d.clock.now()).toISOString(),
    logTail: host.logTail,
  });
  r.durationSec = Math.round((Date.parse(r.finishedAt!) - Date.parse(r.startedAt!)) / 1000);
  if (!host.ok) {
    // A finished failure found by a later trigger was already mailed by the trigger that started it.
    const mail = !(r.attached && earlier[0] && earlier[0].status !== 'Running' && earlier[0].status !== 'Pending');
    return finish(d, { ...r, status: 'failed', step: host.step, cause: host.cause }, mail);
  }

  let recordedByOther = false;
  try {
    const res = host.result!;
    const reused = res.reused;
    // A reused run (same name, verified earlier tonight) wrote its files after local midnight, not in this window.
    const from = reused ? (backupTimeOf(name) ?? started) : (result.startTime ?? started);
    const v = await verifyBackup(d.oss, {
      keys: { archive: res.archive || keys.archive, manifest: res.manifest || keys.manifest, config: res.config || keys.config },
      window: { from, to: result.finishedTime ?? d.clock.now() },
      ...(o.hashMaxBytes !== undefined ? { hashMaxBytes: o.hashMaxBytes } : {}),
    });
    Object.assign(r, { files: v.files, gitlabVersion: v.manifest?.gitlabVersion });
    if (!v.ok) return finish(d, { ...r, status: 'failed', step: 'verify-oss', cause: v.problems[0], verifyProblems: v.problems });
    // Two triggers following one invocation both get here: the one that finds the record already written stays quiet.
    recordedByOther = !o.force && (await d.oss.head(recordKey)) !== undefined;
    await d.oss.putJson(recordKey, { schema: 'gitlab-ask-ops/verified@1', name, verifiedAt: d.clock.now().toISOString(), instanceId: o.instanceId, invokeId: r.invokeId, startedAt: r.startedAt, finishedAt: r.finishedAt, gitlabVersion: r.gitlabVersion, files: v.files });
    r.verifiedRecord = recordKey;
    r.status = 'verified';

    const dir = prefixDir(o.script.ossPrefix);
    const present = inventoryBackups(await d.oss.list(dir ? `${dir}/` : ''), o.script.ossPrefix);
    r.retention = checkRetention(present, res.pruned, name, { keepMin: o.script.keepMin, keepDays: o.script.keepDays, now: d.clock.now() });
    for (const n of r.retention.orphanRecords) await d.oss.delete(verifiedRecordKey(o.script.ossPrefix, n));
    const kept = present.filter((b) => b.hasArchive);
    Object.assign(r, { backupsKept: kept.length, totalBytes: kept.reduce((s, b) => s + b.size, 0) });
  } catch (e) {
    const err = toAppError(e);
    if (r.status === 'verified') {
      // Verified and recorded; only the retention double-check failed. Say so, but do not deny the backup.
      r.retention = { kept: [], pruned: host.result!.pruned, warnings: [`retention check failed: ${err.message}`], orphanRecords: [] };
    } else {
      return finish(d, { ...r, status: 'failed', step: 'verify-oss', cause: `verification through OSS failed: ${err.message}` });
    }
  }
  return finish(d, r, !recordedByOther);
}

/** Send the report's mail (never throws: a mail failure is recorded on the report). */
async function finish(d: BackupDeps, r: BackupReport, mail = true): Promise<BackupReport> {
  if (!mail) return r;
  const m: RenderedMail = r.status === 'verified' ? renderSuccessMail(r) : renderFailureMail(r);
  try {
    const sent = await d.mail.send(m);
    r.mail = { sent: sent.sent, ...(sent.skipped ? { detail: sent.skipped } : {}) };
  } catch (e) {
    r.mail = { sent: false, detail: isAppError(e) ? e.message : String(e) };
    d.log.error('backup mail failed', { error: toAppError(e) });
  }
  return r;
}
