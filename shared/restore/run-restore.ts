import type { EcsPort, InvocationResultInfo } from '#shared/backup/ecs-port';
import { pollInvocation } from '#shared/backup/orchestrate/poll-invocation';
import { step } from '#shared/backup/orchestrate/step-log';
import type { BackupPrefixes } from '#shared/backup/inventory';
import { runKeyHash } from '#shared/backup/run-name';
import { base64Size } from '#shared/backup/script/index';
import { runChecks, type Check, type CheckResult } from '#shared/checks/index';
import type { OssPort } from '#shared/cloud/oss/index';
import { toAppError } from '#shared/errors/index';
import type { GitlabPort } from '#shared/gitlab/api/index';
import type { Logger } from '#shared/log/index';
import type { Notifier } from '#shared/notify/index';
import type { Clock } from '#shared/runtime/index';
import { readBackupFacts, type BackupFacts } from './backup-facts';
import { explainRestore } from './explain-restore';
import { finishRestore } from './finish-restore';
import { apiVersionCheck, backupVersionCheck, configCheck, hostChecks, modeCheck, verifiedCheck } from './restore-preconditions';
import { probeForRestore } from './restore-probe';
import { runbookLink } from '#shared/notify/runbook';
import type { RestoreReport } from './restore-report';
import { renderRestoreScript, withConfigBesideData, type RestoreScriptConfig } from './script/index';

export interface RestoreDeps {
  ecs: EcsPort;
  oss: OssPort;
  /** The live instance's version (`GET /metadata`); absent or failing = the host decides. */
  gitlab?: Pick<GitlabPort, 'metadata'>;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
}

export interface RestoreOptions {
  backup: string;
  /** Must equal `backup` for anything to run (not needed for a dry run). */
  confirm?: string;
  dryRun: boolean;
  instanceId: string;
  /** BACKUP_MODE: only `staged` restores (backup.mode). */
  mode: 'staged' | 'direct';
  prefixes: BackupPrefixes;
  /** `oss://bucket/prefix` for messages. */
  where: string;
  /** The host script's config for this backup (RESTORE from BACKUP_* settings). */
  script: (run: Pick<RestoreScriptConfig, 'backupName' | 'expectVersion' | 'archiveSha256'>) => RestoreScriptConfig;
  minFreeGiB: number;
  timeoutSec: number;
  /** Identity of this invocation: FC's retries of one task follow the same restore. */
  runKey: string;
  deadline: Date;
  runbookBase?: string;
  pollFirstMs?: number;
}

/** The command name of a restore run: FC's retries of one task find (and follow) its invocation by it. */
export const restoreCommandName = (backup: string, runKey: string): string => `gitlab-ask-ops-restore-${backup}-${runKeyHash(runKey).slice(0, 6)}`;

/** The host script's config for this backup: an /etc/gitlab archive from before BACKUP_CONFIG_PREFIX is read beside the data. */
const scriptConfig = (o: RestoreOptions, f: BackupFacts, run: Parameters<RestoreOptions['script']>[0]): RestoreScriptConfig => (f.config?.beside ? withConfigBesideData(o.script(run)) : o.script(run));

const failedAny = (cs: readonly CheckResult[]): CheckResult | undefined => cs.find((c) => c.status === 'failed');

/**
 * One restore invocation (docs/adr/0026). Unconfirmed: refused, nothing read or run. Then the preconditions, each
 * reported — OSS-verified, the /etc/gitlab archive of the run, the backup's version against the live instance's
 * (`GET /metadata`), then through one read-only probe the host's installed version, its mount and free space — and a
 * failed one refuses before the restore script is sent (a failed OSS or API check: before any host command at all).
 * A dry run stops there. Otherwise RunCommand → poll → the script's result → one message (finish-restore.ts).
 * Every refusal, and a RunCommand that Cloud Assistant refused, reports `state: 'unchanged'`: the restore script never
 * ran (docs/operations.md, "Restore runbook").
 */
export async function runRestore(d: RestoreDeps, o: RestoreOptions): Promise<RestoreReport> {
  const r: RestoreReport = { backup: o.backup, instanceId: o.instanceId, status: 'refused', preconditions: [], runbook: runbookLink(o.runbookBase, 'restore-runbook') };
  if (!o.dryRun && o.confirm !== o.backup) {
    const cause = o.confirm === undefined
      ? `not confirmed: a restore overwrites GitLab's database; repeat the backup's name as "confirm":"${o.backup}" to run it (nothing was read or changed)`
      : `"confirm" is ${JSON.stringify(o.confirm)}, not the backup's name ${o.backup}: nothing was read or changed`;
    return { ...r, step: 'confirm', cause, state: 'unchanged' };
  }
  const name = restoreCommandName(o.backup, o.runKey);
  if (!o.dryRun) {
    // An FC retry of this task follows the invocation its first attempt started (and reports it); never a second restore.
    const earlier = await step(d, 'resume', () => d.ecs.findInvocations(o.instanceId, name), (x) => (x.length ? 'attached' : 'new'));
    if (earlier[0]) return follow(d, o, { ...r, invokeId: earlier[0].invokeId, attached: true }, earlier[0].invokeId);
  }
  const facts = await step(d, 'preconditions', () => preconditions(d, o), (x) => (x.refused ? 'refused' : 'ok'));
  if (facts.refused) return finishRestore(d, { ...r, ...facts.report, state: 'unchanged' });
  const f = facts.facts!;
  const script = renderRestoreScript(scriptConfig(o, f, { backupName: o.backup, expectVersion: f.gitlabVersion!, ...(f.archive?.sha256 ? { archiveSha256: f.archive.sha256 } : {}) }));
  Object.assign(r, facts.report, { script: { bytes: Buffer.byteLength(script), base64Bytes: base64Size(script) } });
  if (o.dryRun) return { ...r, status: 'planned' };
  const started = await step(d, 'run-command', async () => {
    try {
      return { invokeId: (await d.ecs.runCommand({ instanceId: o.instanceId, script, name, timeoutSec: o.timeoutSec, description: `gitlab-ask-ops restore of ${o.backup}` })).invokeId };
    } catch (e) {
      const err = toAppError(e);
      if (err.retryable) throw err; // nothing started: FC may try again
      return { refused: err.message };
    }
  }, (x) => ('refused' in x ? 'refused' : 'started'));
  // Cloud Assistant refused the command: no invocation, the script never ran on the host.
  if ('refused' in started) return finishRestore(d, { ...r, status: 'failed', step: 'start', cause: `RunCommand was refused: ${started.refused}`, state: 'unchanged' });
  return follow(d, o, { ...r, invokeId: started.invokeId, attached: false }, started.invokeId);
}

/** Poll the restore's invocation to its end (or the deadline), explain it, report it. */
async function follow(d: RestoreDeps, o: RestoreOptions, r: RestoreReport, invokeId: string): Promise<RestoreReport> {
  let result: InvocationResultInfo;
  try {
    const polled = await step(d, 'poll', () => pollInvocation(d.ecs, invokeId, o.instanceId, { deadline: o.deadline, clock: d.clock, log: d.log, ...(o.pollFirstMs ? { firstMs: o.pollFirstMs } : {}) }), (p) => p.kind);
    if (polled.kind === 'deadline') return finishRestore(d, { ...r, status: 'running', step: 'poll', cause: `still ${polled.last?.status ?? 'Pending'} on ${o.instanceId} at the worker's deadline; the host keeps restoring` });
    result = polled.result;
  } catch (e) {
    return finishRestore(d, { ...r, status: 'failed', step: 'poll', cause: `the restore was started but its result could not be read: ${toAppError(e).message}` });
  }
  const x = explainRestore(result, o.timeoutSec);
  const res = x.result;
  const times = { startedAt: (result.startTime ?? d.clock.now()).toISOString(), finishedAt: (result.finishedTime ?? d.clock.now()).toISOString() };
  const out: RestoreReport = {
    ...r, ...times, durationSec: Math.round((Date.parse(times.finishedAt) - Date.parse(times.startedAt)) / 1000), logTail: x.logTail,
    status: x.ok ? 'restored' : 'failed',
    ...(x.ok ? {} : { step: x.step, cause: x.cause, fix: `follow the restore runbook for step "${x.step}": ${r.runbook}` }),
    // Where the script left the services; without its result line (the agent's own failure) it is not known.
    ...(res ? { state: res.state, services: Object.fromEntries(res.services.split(',').filter(Boolean).map((s) => s.split(':') as [string, string])), timingsMs: res.timingsMs, ...(res.detail ? { detail: res.detail } : {}) } : {}),
  };
  return finishRestore(d, out);
}

/** Every precondition, OSS and the API first; the read-only host probe only when those passed. */
async function preconditions(d: RestoreDeps, o: RestoreOptions): Promise<{ refused: boolean; report: Partial<RestoreReport>; facts?: BackupFacts }> {
  let facts: BackupFacts;
  try {
    facts = await readBackupFacts(d.oss, o.prefixes, o.backup);
  } catch (e) {
    const c: CheckResult = { id: 'backup.verified', service: 'oss', status: 'failed', detail: `OSS could not be listed: ${toAppError(e).message}`, elapsedMs: 0 };
    return { refused: true, report: { status: 'refused', step: 'preconditions', cause: c.detail, preconditions: [c] } };
  }
  const live = d.gitlab?.metadata ? await d.gitlab.metadata().catch((e: unknown) => toAppError(e)) : new Error('no GitLab API configured');
  const first: Check[] = [
    { id: 'backup.mode', service: 'host', run: async () => modeCheck(o.mode) },
    { id: 'backup.verified', service: 'oss', run: async () => verifiedCheck(facts, o.where) },
    { id: 'backup.config', service: 'oss', run: async () => configCheck(facts) },
    { id: 'backup.version', service: 'oss', run: async () => backupVersionCheck(facts) },
    { id: 'gitlab.version', service: 'gitlab', run: async () => apiVersionCheck(facts.gitlabVersion, live) },
  ];
  const checks = await runChecks(first);
  const base = { gitlabVersion: facts.gitlabVersion, preconditions: checks };
  const bad = failedAny(checks);
  if (bad) return { refused: true, facts, report: { ...base, status: 'refused', step: 'preconditions', cause: `${bad.id}: ${bad.detail}`, ...(bad.fix ? { fix: bad.fix } : {}) } };
  const script = scriptConfig(o, facts, { backupName: o.backup, expectVersion: facts.gitlabVersion! });
  let host: Check[];
  try {
    const probe = await probeForRestore(d, o.instanceId, script);
    const hc = hostChecks(facts, probe, o.minFreeGiB);
    host = (Object.keys(hc) as Array<keyof typeof hc>).map((id) => ({ id, service: 'host', run: async () => hc[id] }));
  } catch (e) {
    host = [{ id: 'host.probe', service: 'host', run: async () => ({ status: 'failed', detail: (e as Error).message, fix: 'check the Cloud Assistant agent on the host (ops doctor)' }) }];
  }
  const all = [...checks, ...(await runChecks(host))];
  const hostBad = failedAny(all);
  if (hostBad) return { refused: true, facts, report: { ...base, preconditions: all, status: 'refused', step: 'preconditions', cause: `${hostBad.id}: ${hostBad.detail}`, ...(hostBad.fix ? { fix: hostBad.fix } : {}) } };
  return { refused: false, facts, report: { ...base, preconditions: all } };
}
