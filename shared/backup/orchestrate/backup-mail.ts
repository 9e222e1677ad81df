import { renderMail, type MailSection, type RenderedMail } from '#shared/mail/index';
import type { BackupReport } from './backup-report';

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
    ...(t?.leftovers.length ? [`leftovers: ${t.leftovers.join(', ')} (unverified; removed only after a newer verified backup and the grace period)`] : []),
    ...(t?.partialsKept.length || t?.partialsRemoved.length ? [`partial copies: kept ${t.partialsKept.length}, removed ${t.partialsRemoved.length}`] : []),
    ...(t?.runRecordsRemoved ? [`old run records removed: ${t.runRecordsRemoved}`] : []),
  ];
  return { heading: 'Retention this run', text: lines.join('\n') };
}

/** The mail for a verified backup: sizes, checksums, duration, what retention kept and pruned. */
export function renderSuccessMail(r: BackupReport): RenderedMail {
  const archive = r.files?.find((f) => f.kind === 'archive');
  const warnings = r.retention?.errors ?? [];
  const sections: MailSection[] = [
    runRows(r),
    { heading: 'Verified on OSS', table: { columns: ['object', 'size', 'sha256', 'crc64'], rows: (r.files ?? []).map((f) => [f.key, formatBytes(f.size), f.sha256, f.crc64]) } },
    retentionSection(r),
  ];
  if (warnings.length) sections.push({ heading: 'Retention warnings', text: warnings.join('\n') });
  return renderMail({
    title: `Backup verified ${r.name}`,
    status: warnings.length ? 'warn' : 'ok',
    summary: `${archive ? formatBytes(archive.size) : '?'}, ${r.backupsKept ?? '?'} verified kept, ${r.retention?.pruned.length ?? 0} pruned`,
    sections,
  });
}

/** The mail for a failed (or unfinished) run: the step, a cause a person understands, the fix, what was kept. */
export function renderFailureMail(r: BackupReport): RenderedMail {
  const running = r.status === 'running';
  const sections: MailSection[] = [
    { heading: running ? 'Still running' : 'What failed', rows: [['step', r.step], ['cause', r.cause], ['fix', r.fix], ['Cloud Assistant status', r.invocationStatus], ['error code', r.errorCode]] },
    retentionSection(r),
    runRows(r),
  ];
  if (r.verifyProblems?.length) sections.push({ heading: 'Verification on OSS', text: r.verifyProblems.join('\n') });
  if (r.logTail?.length) sections.push({ heading: 'Last log lines', text: r.logTail.join('\n') });
  return renderMail({
    title: running ? `Backup not finished ${r.name}` : `Backup FAILED ${r.name}`,
    status: running ? 'warn' : 'fail',
    summary: r.cause ?? 'unknown cause',
    sections,
    footer: running
      ? 'FC re-delivers this task; the retry follows the same invocation and reports it.'
      : 'This run was not verified and counts toward nothing; nothing was deleted. The watchdog mails again if no backup is verified within BACKUP_RPO_HOURS.',
  });
}
