import type { StatusReport } from './run-status';

const ago = (iso: string | undefined, now: Date): string => {
  if (!iso) return '';
  const h = (now.getTime() - Date.parse(iso)) / 3_600_000;
  const abs = Math.abs(h);
  const span = abs < 1 ? `${Math.round(abs * 60)} min` : abs < 48 ? `${abs.toFixed(1)} h` : `${(abs / 24).toFixed(1)} d`;
  return h >= 0 ? `${span} ago` : `in ${span}`;
};
const short = (iso: string | undefined): string => (iso ? iso.replace(/:\d\d\.\d{3}Z$/, 'Z').replace('T', ' ') : '—');

function table(rows: string[][]): string[] {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ')}`.trimEnd());
}

/** The text of `ops status`: runs per action, the newest verified backup, open findings, the next timer fires. */
export function renderStatus(r: StatusReport): string[] {
  const now = new Date(r.at);
  const out: string[] = [];
  if (!r.runs.available) out.push('runs', `  not available: ${r.runs.reason}`);
  else {
    out.push(`runs (FC async tasks of ${r.runs.worker} since ${short(r.since)}: ${r.runs.scanned}${r.runs.truncated ? '+, newest shown' : ''})`);
    const rows = [['ACTION', 'LAST RUN', 'SOURCE', 'OUTCOME', 'SUMMARY']];
    for (const a of r.runs.actions) {
      const l = a.last;
      if (!l) rows.push([a.action, 'none in the window', '', '', '']);
      else rows.push([a.action, `${short(l.startedAt)} (${ago(l.startedAt, now)})`, l.source, `${l.outcome}${l.dryRun ? ' (dry run)' : ''}`, l.summary ?? '']);
      if (a.lastFailure) rows.push(['', `${short(a.lastFailure.startedAt)} (${ago(a.lastFailure.startedAt, now)})`, a.lastFailure.source, a.lastFailure.outcome, `last failure: ${a.lastFailure.summary ?? a.lastFailure.taskId}`]);
    }
    out.push(...table(rows));
  }
  out.push('backup');
  if (!r.backup.available) out.push(`  not available: ${r.backup.reason}`);
  else if (!r.backup.newest) out.push(`  no verified backup on OSS (RPO ${r.backup.rpoHours} h: not met)`);
  else {
    const b = r.backup.newest;
    out.push(`  newest verified: ${b.name}, taken ${short(b.createdAt)} (${ago(b.createdAt, now)}), ${r.backup.withinRpo ? 'within' : 'OLDER THAN'} the RPO of ${r.backup.rpoHours} h; ${r.backup.verified} verified on OSS`);
  }
  out.push('open findings');
  if (!r.findings.available) out.push(`  not available: ${r.findings.reason}`);
  else if (!r.findings.findings.length) out.push('  none');
  else for (const f of r.findings.findings) out.push(`  ${f.severity ? `${f.severity} ` : ''}${f.key} — ${f.summary}${f.since ? ` (since ${short(f.since)})` : ''}`);
  if (!r.timers.available) out.push('timers', `  not available: ${r.timers.reason}`);
  else {
    out.push(`timers (${r.timers.from === 'fc' ? 'as deployed in FC' : 'from s.yaml'})`);
    if (r.timers.note) out.push(`  note: ${r.timers.note}`);
    out.push(...table([['TRIGGER', 'ACTION', 'CRON', 'NEXT'], ...r.timers.timers.map((t) => [t.trigger, t.action ?? '?', t.cron, !t.enabled ? 'disabled' : t.next ? `${short(t.next)} (${ago(t.next, now)})` : `? ${t.problem ?? ''}`])]));
  }
  return out;
}
