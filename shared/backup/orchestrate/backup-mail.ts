import type { MailSection } from '#shared/mail/index';
import { createNotifier, mailChannel, type NotifyContent } from '#shared/notify/index';
import type { BackupReport } from './backup-report';
import type { BackupDeps } from './run-backup';

/** `1.5 GiB`-style sizes for mails. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function duration(sec: number | undefined): string | undefined {
  if (sec === undefined) return undefined;
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${sec % 60} s` : `${sec} s`;
}

const runRows = (r: BackupReport): MailSection => ({
  heading: 'Run',
  rows: [
    ['backup', r.name],
    ['label', r.label],
    ['instance', r.instanceId],
    ['invocation', r.invokeId],
    ['started', r.startedAt],
    ['finished', r.finishedAt],
    ['duration', duration(r.durationSec)],
    ['GitLab', r.gitlabVersion],
  ],
});

const names = (xs: ReadonlyArray<{ name: string }>): string => xs.map((x) => x.name).join(', ');

/** "What was kept and pruned this run": every backup mail carries it; a run that was not verified prunes nothing. */
function retentionSection(r: BackupReport): MailSection {
  const t = r.retention;
  const pruned = t?.pruned.length ? t.pruned.map((p) => `${p.name} (${p.reason.replace(/^delete: /, '')})`).join(', ') : r.status === 'verified' ? 'none' : 'none (a run that was not verified deletes nothing)';
  const verified = t ? t.kept.filter((k) => !t.leftovers.includes(k.name)) : [];
  // Plain lines, not a key/value table: "pruned: none" must read the same in every client.
  const lines = [
    `kept: ${t ? `${verified.length} verified${verified.length ? ` (${names(verified)})` : ''}` : 'unknown'}`,
    `pruned: ${pruned}`,
    ...(t?.leftovers.length ? [`leftovers: ${t.leftovers.join(', ')} (unverified; removed only after a newer verified backup, past the 24 h grace and BACKUP_KEEP_DAYS)`] : []),
    ...(t?.partialsKept.length || t?.partialsRemoved.length ? [`partial copies: kept ${t.partialsKept.length}, removed ${t.partialsRemoved.length}`] : []),
    ...(t?.runRecordsRemoved ? [`old run records removed: ${t.runRecordsRemoved}`] : []),
  ];
  return { heading: 'Retention this run', text: lines.join('\n') };
}

/** Who it is about: the run's backup name (it carries the date and the label); the host is in the Run block. */
const targetOf = (r: BackupReport): string => r.name;

/** The message for a verified backup: sizes, checksums, duration, what retention kept and pruned. */
export function successContent(r: BackupReport): NotifyContent {
  const archive = r.files?.find((f) => f.kind === 'archive');
  const warnings = r.retention?.errors ?? [];
  const sections: MailSection[] = [
    { heading: 'What was done', rows: [['backup', r.name], ['size', archive ? formatBytes(archive.size) : undefined], ['verified on OSS', r.verifiedRecord ?? 'yes'], ['GitLab', r.gitlabVersion]] },
    { heading: 'Verified on OSS', table: { columns: ['object', 'size', 'sha256', 'crc64'], rows: (r.files ?? []).map((f) => [f.key, formatBytes(f.size), f.sha256, f.crc64]) } },
    retentionSection(r),
    runRows(r),
  ];
  if (warnings.length) sections.push({ heading: 'What was not done (retention warnings)', text: warnings.join('\n') });
  return {
    action: 'backup',
    title: `Backup verified ${r.name}`,
    severity: warnings.length ? 'warn' : 'ok',
    target: targetOf(r),
    counts: `${archive ? formatBytes(archive.size) : '?'}, ${r.backupsKept ?? '?'} verified kept, ${r.retention?.pruned.length ?? 0} pruned`,
    outcome: warnings.length ? `${warnings.length} retention warning(s)` : '',
    sections,
  };
}

/** The message for a failed (or unfinished) run: the step, a cause a person understands, the fix, what was kept. */
export function failureContent(r: BackupReport): NotifyContent {
  const running = r.status === 'running';
  const sections: MailSection[] = [
    { heading: running ? 'Still running' : 'What failed', rows: [['step', r.step], ['cause', r.cause], ['fix', r.fix ?? 'no specific fix known: read the log lines below and the host log /var/log/gitlab-ask-ops/'], ['Cloud Assistant status', r.invocationStatus], ['error code', r.errorCode]] },
    retentionSection(r),
    runRows(r),
  ];
  if (r.verifyProblems?.length) sections.push({ heading: 'Verification on OSS', text: r.verifyProblems.join('\n') });
  if (r.logTail?.length) sections.push({ heading: 'Last log lines', text: r.logTail.join('\n') });
  return {
    action: 'backup',
    title: running ? `Backup not finished ${r.name}` : `Backup FAILED ${r.name}`,
    severity: running ? 'warn' : 'fail',
    target: targetOf(r),
    counts: running ? 'still running' : `${r.backupsKept ?? '?'} verified kept`,
    outcome: running ? (r.cause ?? 'at the deadline') : `failed at ${r.step ?? '?'}: ${r.cause ?? 'unknown cause'}`,
    sections,
    footer: running
      ? 'FC re-delivers this task; the retry follows the same invocation and reports it.'
      : 'This run was not verified and counts toward nothing; nothing was deleted. The watchdog tells again if no backup is verified within BACKUP_RPO_HOURS.',
  };
}

/**
 * Send a backup report (an EVENT: every run tells, failed ones always) on every channel. `failed` = every configured
 * channel failed (the caller then has FC retry the report); a run without channels is `sent: false`, not failed.
 */
export async function sendBackupReport(d: Pick<BackupDeps, 'notifier' | 'mail' | 'clock' | 'log'>, r: BackupReport, attempts: number): Promise<NonNullable<BackupReport['mail']>> {
  const notifier = d.notifier ?? createNotifier({ channels: [mailChannel(d.mail)], clock: d.clock, log: d.log, remindHours: 24, dryRun: false });
  const o = await notifier.notify({ action: 'backup', event: true, build: () => (r.status === 'verified' ? successContent(r) : failureContent(r)) });
  const failures = o.results.filter((x) => !x.ok && !x.skipped).map((x) => `${x.channel}: ${x.detail}`);
  const skipped = o.results.filter((x) => x.skipped).map((x) => `${x.channel}: ${x.skipped}`);
  const detail = [...failures, ...(o.delivered ? [] : skipped)].join('; ');
  return { sent: o.delivered, ...(o.allFailed ? { failed: true } : {}), attempts, ...(detail ? { detail } : {}), channels: Object.fromEntries(o.results.map((x) => [x.channel, x.ok ? 'sent' : x.skipped ? 'skipped' : 'failed'])) };
}
