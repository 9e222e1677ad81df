import type { Finding, NotifyContent, NotifyDecision } from '#shared/notify/index';
import { findingSections } from '#shared/notify/index';
import { formatBytes } from '../orchestrate/backup-mail';
import type { WatchdogReport } from './check-rpo';

const RUNBOOK = 'Read the last backup messages and the ops-worker logs; `npm run -s ops -- backups` lists what is on OSS. After fixing the cause run `s ops-worker invoke -e \'{"action":"backup"}\'`.';

/**
 * The watchdog's condition: a breached RPO, one finding per backup location. Its "detail" is the newest verified
 * backup (not its age, which grows every run): a standing breach is told once, reminded after NOTIFY_REMIND_HOURS,
 * told again when the newest verified backup changes, and resolved when the RPO is met.
 */
export function watchdogFindings(r: WatchdogReport, target: string): Finding[] {
  if (r.ok) return [];
  return [{ target, cause: 'rpo breached', severity: 'fail', summary: r.cause ?? 'RPO breached', detail: `newest verified: ${r.newestVerified ?? 'none'}` }];
}

/** The message: what is missing (or that it is back), what is on OSS, what to do. */
export function watchdogContent(r: WatchdogReport, d: NotifyDecision, target: string): NotifyContent {
  const verified = r.backups.filter((b) => b.verified).length;
  const age = r.newestVerifiedAgeHours;
  const backups = { heading: `Backups on OSS (${r.backups.length}, ${formatBytes(r.totalBytes)})`, table: { columns: ['backup', 'taken', 'age (h)', 'size', 'verified'], rows: r.backups.map((b) => [b.name, b.createdAt, b.ageHours, formatBytes(b.bytes), b.verified ? 'yes' : 'no']) } };
  const newest = { heading: 'Newest verified', rows: [['backup', r.newestVerified], ['taken', r.newestVerifiedAt], ['age (h)', r.newestVerifiedAgeHours], ['RPO (h)', r.rpoHours]] as const };
  if (r.ok) {
    return {
      action: 'watchdog', title: `Verified backup within ${r.rpoHours} h again`, severity: 'resolved', target,
      counts: `newest verified backup ${age} h old (RPO ${r.rpoHours} h)`,
      outcome: `RPO met again by ${r.newestVerified}`,
      sections: [...findingSections(d), newest, backups],
    };
  }
  return {
    action: 'watchdog', title: `No verified backup within ${r.rpoHours} h`, severity: 'fail', target,
    counts: age === undefined ? `0 of ${r.backups.length} backups verified (RPO ${r.rpoHours} h)` : `no verified backup in ${age} h (RPO ${r.rpoHours} h)`,
    outcome: r.cause ?? 'RPO breached',
    summary: `${verified} of ${r.backups.length} backups on OSS are verified.`,
    sections: [...findingSections(d), newest, backups, ...(r.problems?.length ? [{ heading: 'Could not read', text: r.problems.join('\n') }] : []), { heading: 'What to do', text: RUNBOOK }],
  };
}
