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
    ['instance', r.instanceId],
    ['invocation', r.invokeId],
    ['started', r.startedAt],
    ['finished', r.finishedAt],
    ['duration', duration(r.durationSec)],
    ['GitLab', r.gitlabVersion],
  ],
});

/** The mail for a verified backup: sizes, checksums, duration, what retention kept and pruned. */
export function renderSuccessMail(r: BackupReport): RenderedMail {
  const archive = r.files?.find((f) => f.kind === 'archive');
  const sections: MailSection[] = [
    runRows(r),
    { heading: 'Verified on OSS', table: { columns: ['object', 'size', 'sha256', 'crc64'], rows: (r.files ?? []).map((f) => [f.key, formatBytes(f.size), f.sha256, f.crc64]) } },
    {
      heading: 'Retention',
      rows: [
        ['backups kept', r.backupsKept],
        ['total size', r.totalBytes === undefined ? undefined : formatBytes(r.totalBytes)],
        ['kept', r.retention?.kept.join(', ')],
        ['pruned by the host', r.retention?.pruned.join(', ') || 'none'],
      ],
    },
  ];
  if (r.retention?.warnings.length) sections.push({ heading: 'Retention warnings', text: r.retention.warnings.join('\n') });
  return renderMail({
    title: `Backup verified ${r.name}`,
    status: r.retention?.warnings.length ? 'warn' : 'ok',
    summary: `${archive ? formatBytes(archive.size) : '?'}, ${r.backupsKept ?? '?'} kept`,
    sections,
  });
}

/** The mail for a failed (or unfinished) run: the step, a cause a person understands, the last log lines. */
export function renderFailureMail(r: BackupReport): RenderedMail {
  const running = r.status === 'running';
  const sections: MailSection[] = [
    { heading: running ? 'Still running' : 'What failed', rows: [['step', r.step], ['cause', r.cause], ['Cloud Assistant status', r.invocationStatus], ['error code', r.errorCode]] },
    runRows(r),
  ];
  if (r.verifyProblems?.length) sections.push({ heading: 'Verification on OSS', text: r.verifyProblems.join('\n') });
  if (r.logTail?.length) sections.push({ heading: 'Last log lines', text: r.logTail.join('\n') });
  return renderMail({
    title: running ? `Backup not finished ${r.name}` : `Backup FAILED ${r.name}`,
    status: running ? 'warn' : 'fail',
    summary: r.cause ?? 'unknown cause',
    sections,
    footer: running ? 'The next trigger tonight follows this run instead of starting another.' : 'No backup was marked verified. The watchdog mails again if none is verified within BACKUP_RPO_HOURS.',
  });
}
