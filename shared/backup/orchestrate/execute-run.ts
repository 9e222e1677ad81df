import { isAppError, toAppError } from '#shared/errors/index';
import type { InvocationResultInfo } from '../ecs-port';
import { verifiedRecordKey } from '../inventory';
import { backupTimeOf, commandNameFor } from '../run-name';
import { saveRunRecord, type RunRecord } from '../run-record';
import { backupKeys, renderBackupScript } from '../script/index';
import { verifyBackup, type VerifyOutcome } from '../verify/verify-backup';
import { VERIFIED_SCHEMA, type VerifiedRecord } from '../verify/verified-record';
import type { BackupReport } from './backup-report';
import { explainInvocation } from './explain-invocation';
import { fixFor } from './fix-hints';
import { pollInvocation } from './poll-invocation';
import type { BackupDeps, BackupRunOptions } from './run-backup';
import { step } from './step-log';

/**
 * One run on the host: RunCommand (or follow this task's invocation) → poll → explain → verify on OSS → write the
 * verified record. Returns the report (`verified`, `failed` or `running`); throws only before RunCommand was
 * accepted, and only when retryable — after that FC must not start the backup again.
 */
export async function executeRun(d: BackupDeps, o: BackupRunOptions, rec: RunRecord, saved: boolean): Promise<BackupReport> {
  const name = rec.name;
  const fix = { ...o.fix, mountDir: o.script.mountDir, stagingDir: o.script.stagingDir, ossPrefix: o.script.ossPrefix, instanceId: o.instanceId };
  const r: BackupReport = { name, ...(rec.label ? { label: rec.label } : {}), status: 'failed', instanceId: o.instanceId, runKey: o.runKey, attached: false };
  const started = d.clock.now();

  const start = await step(d, 'run-command', async () => {
    const earlier = await d.ecs.findInvocations(o.instanceId, commandNameFor(name));
    const invokeId = earlier[0]?.invokeId ?? rec.invokeId;
    if (invokeId) return { invokeId, attached: true };
    try {
      const script = renderBackupScript({ ...o.script, runName: name, ...(rec.label ? { label: rec.label } : {}) });
      return { invokeId: (await d.ecs.runCommand({ instanceId: o.instanceId, script, name: commandNameFor(name), timeoutSec: o.timeoutSec })).invokeId, attached: false };
    } catch (e) {
      const err = toAppError(e);
      if (err.retryable) throw err; // nothing started: FC's async retry may try again
      return { refused: err.message };
    }
  }, (s) => ('refused' in s ? 'refused' : s.attached ? 'attached' : 'started'));
  if ('refused' in start) return { ...r, step: 'start', cause: `RunCommand was refused: ${start.refused}` };
  Object.assign(r, start);
  if (r.attached) d.log.info('following this task\'s invocation instead of starting another', { invokeId: r.invokeId });
  if (saved && rec.invokeId !== r.invokeId) await saveRunRecord(d.oss, o.script.ossPrefix, { ...rec, invokeId: r.invokeId!, updatedAt: d.clock.now().toISOString() });

  let result: InvocationResultInfo;
  try {
    const polled = await step(d, 'poll', () => pollInvocation(d.ecs, r.invokeId!, o.instanceId, { deadline: o.deadline, clock: d.clock, log: d.log, ...(o.pollFirstMs ? { firstMs: o.pollFirstMs } : {}) }), (p) => p.kind);
    if (polled.kind === 'deadline') {
      return { ...r, status: 'running', step: 'poll', cause: `still ${polled.last?.status ?? 'Pending'} on ${o.instanceId} when the worker reached its deadline (${polled.polls} polls); the host keeps running it`, invocationStatus: polled.last?.status };
    }
    result = polled.result;
  } catch (e) {
    // RunCommand was accepted: a throw here would make FC start the job again, so report instead.
    return { ...r, step: 'poll', cause: `could not read the invocation result: ${toAppError(e).message}` };
  }

  const host = explainInvocation(result, o.timeoutSec, fix);
  Object.assign(r, {
    invocationStatus: result.status,
    errorCode: result.errorCode || undefined,
    startedAt: (result.startTime ?? started).toISOString(),
    finishedAt: (result.finishedTime ?? d.clock.now()).toISOString(),
    logTail: host.logTail,
  });
  r.durationSec = Math.round((Date.parse(r.finishedAt!) - Date.parse(r.startedAt!)) / 1000);
  if (!host.ok) return { ...r, step: host.step, cause: host.cause, ...(host.fix ? { fix: host.fix } : {}) };

  const res = host.result!;
  const keys = backupKeys(o.script.ossPrefix, name, o.script.configPrefix);
  const v = await step(d, 'verify-oss', async (): Promise<VerifyOutcome & { denied?: boolean }> => {
    try {
      // A reused result (an earlier attempt of this run wrote the files) was written after the run's start second.
      return await verifyBackup(d.oss, {
        keys: { archive: res.archive || keys.archive, manifest: res.manifest || keys.manifest, config: res.config || keys.config },
        window: { from: res.reused ? (backupTimeOf(name) ?? started) : (result.startTime ?? started), to: result.finishedTime ?? d.clock.now() },
        ...(o.hashMaxBytes !== undefined ? { hashMaxBytes: o.hashMaxBytes } : {}),
      });
    } catch (e) {
      const err = toAppError(e);
      const denied = isAppError(e) && err.details?.ossCode === 'AccessDenied';
      return { ok: false, problems: [`verification through OSS failed: ${err.message}`], files: [], denied };
    }
  }, (x) => (x.ok ? 'ok' : 'failed'));
  Object.assign(r, { files: v.files, gitlabVersion: v.manifest?.gitlabVersion });
  if (!v.ok) {
    const denied = v.denied === true;
    return { ...r, step: 'verify-oss', cause: v.problems[0], verifyProblems: v.problems, ...(denied ? { fix: fixFor('oss-read', fix) } : {}) };
  }

  const recordKey = verifiedRecordKey(o.script.ossPrefix, name);
  const now = d.clock.now().toISOString();
  const record: VerifiedRecord = {
    schema: VERIFIED_SCHEMA, name, ...(rec.label ? { label: rec.label } : {}),
    createdAt: v.manifest?.startedAt ?? r.startedAt!, verifiedAt: now,
    instanceId: o.instanceId, invokeId: r.invokeId!, startedAt: r.startedAt!, finishedAt: r.finishedAt!,
    ...(r.gitlabVersion ? { gitlabVersion: r.gitlabVersion } : {}),
    sizeBytes: v.files.filter((f) => f.kind !== 'manifest').reduce((s, f) => s + f.size, 0), files: v.files,
  };
  let claimed: 'created' | 'exists';
  try {
    // Create-only: of two attempts following one invocation exactly one writes the record, and owns what follows.
    claimed = await step(d, 'record', () => d.oss.putJsonIfAbsent(recordKey, record), (x) => x);
  } catch (e) {
    const err = toAppError(e);
    return { ...r, step: 'record', cause: `verified on OSS, but the verified record ${recordKey} could not be written: ${err.message}`, ...(err.details?.ossCode === 'AccessDenied' ? { fix: fixFor('oss-write', fix) } : {}) };
  }
  return { ...r, status: 'verified', verifiedRecord: recordKey, ...(claimed === 'exists' ? { recordedByOther: true } : {}) };
}
