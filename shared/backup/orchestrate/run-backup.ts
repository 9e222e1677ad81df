import type { OssPort } from '#shared/cloud/oss/index';
import type { Logger } from '#shared/log/index';
import type { Mailer } from '#shared/mail/index';
import type { Notifier } from '#shared/notify/index';
import type { Clock } from '#shared/runtime/index';
import type { EcsPort } from '../ecs-port';
import { runBackupPreflight } from '../preflight/run-preflight';
import type { RetentionOptions } from '../retention/plan-retention';
import { backupRunName } from '../run-name';
import { RUN_RECORD_SCHEMA } from '../run-record';
import { base64Size, renderBackupScript, type BackupScriptConfig } from '../script/index';
import type { BackupReport } from './backup-report';
import { executeRun } from './execute-run';
import type { FixContext } from './fix-hints';
import { mailAndRecord, reportRun } from './report-run';
import { resumeRun } from './resume-run';
import { step } from './step-log';

export interface BackupDeps {
  ecs: EcsPort;
  oss: OssPort;
  /** DirectMail: the preflight checks its sender; reports go through `notifier` (or this mailer alone without one). */
  mail: Mailer;
  /** Every channel with the invocation's context (functions/ops-worker/notify.ts); absent = the mailer alone. */
  notifier?: Notifier;
  clock: Clock;
  log: Logger;
}

export interface BackupRunOptions {
  instanceId: string;
  /** Script settings (BACKUP_* env); name and label come from the run. */
  script: Omit<BackupScriptConfig, 'runName' | 'label'>;
  retention: Omit<RetentionOptions, 'now'>;
  /** RunCommand Timeout (BACKUP_TIMEOUT_SECONDS). */
  timeoutSec: number;
  /** Identity of this invocation: FC's retries of one task share it (docs/adr/0016 "Run identity"). */
  runKey: string;
  /** When the invocation started: a timer's triggerTime (the same for its retries), else the clock. Names the run. */
  startedAt: Date;
  label?: string;
  /** IANA zone of the calendar day in the run's name (TIMER_TZ); default the config default. */
  timeZone?: string;
  /** The worker's deadline: stop polling and report before it. */
  deadline: Date;
  dryRun: boolean;
  /** Bucket and region for fix hints (the fstab line, the RAM resource). */
  fix?: Pick<FixContext, 'bucket' | 'ossRegion'>;
  pollFirstMs?: number;
  hashMaxBytes?: number;
}

/**
 * One backup invocation. Dry run: a read-only preflight (no RunCommand of the backup, nothing written). Otherwise:
 * find this task's run record (resume / re-report / re-mail an earlier attempt of the same task) or start a new
 * run with a unique name → RunCommand → poll → verify on OSS → verified record → retention (only now) → mail.
 * Host and verification failures are returned (`failed`); see reportRun for the two cases that throw for FC.
 */
export async function runBackup(d: BackupDeps, o: BackupRunOptions): Promise<BackupReport> {
  const fix = { ...o.fix, mountDir: o.script.mountDir, stagingDir: o.script.stagingDir, ossPrefix: o.script.ossPrefix, instanceId: o.instanceId };
  if (o.dryRun) {
    const name = backupRunName({ at: o.startedAt, key: o.runKey, ...(o.label ? { label: o.label } : {}), ...(o.timeZone ? { timeZone: o.timeZone } : {}) });
    const script = renderBackupScript({ ...o.script, runName: name, ...(o.label ? { label: o.label } : {}) });
    const preflight = await step(d, 'preflight', () => runBackupPreflight(d, { ...fix, instanceId: o.instanceId, ossPrefix: o.script.ossPrefix, configPrefix: o.script.configPrefix, minFreeGiB: o.script.minFreeGiB, mode: o.script.mode }), (p) => (p.some((c) => c.status === 'failed') ? 'failed' : 'ok'));
    const bad = preflight.filter((c) => c.status === 'failed');
    // `name` is what a run started now would be called (it sizes the script); the action reports `name: null`.
    return {
      name, ...(o.label ? { label: o.label } : {}), instanceId: o.instanceId, runKey: o.runKey, attached: false,
      status: bad.length ? 'failed' : 'planned',
      ...(bad.length ? { step: 'preflight', cause: bad.map((c) => `${c.id}: ${c.detail}`).join('; '), ...(bad[0]!.fix ? { fix: bad[0]!.fix } : {}) } : {}),
      preflight,
      script: { bytes: Buffer.byteLength(script), base64Bytes: base64Size(script) },
    };
  }
  const resume = await step(d, 'resume', () => resumeRun(d, o), (x) => x.kind);
  switch (resume.kind) {
    case 'replay':
      return resume.report;
    case 'remail':
      return mailAndRecord(d, o, { ...resume.record.report!, replayed: true }, resume.record, true);
    case 'blocked': {
      const r: BackupReport = { name: resume.name, ...(o.label ? { label: o.label } : {}), status: 'failed', instanceId: o.instanceId, runKey: o.runKey, attached: false, step: 'resume', cause: resume.cause };
      return reportRun(d, o, r, { schema: RUN_RECORD_SCHEMA, key: o.runKey, name: resume.name, createdAt: '', updatedAt: '', state: 'started' }, false);
    }
    case 'run': {
      const r = await executeRun(d, o, resume.record, resume.saved);
      return reportRun(d, o, r, resume.record, resume.saved);
    }
  }
}
