import type { NotifyContent, NotifySection } from '#shared/notify/index';
import type { DrillReport } from './drill-report';

/** `23 min`, `1 h 5 min`, `42 s`. */
export function rtoWords(sec: number | null): string {
  if (sec === null) return 'n/a';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return h ? `${h} h ${m} min` : s >= 60 ? `${m} min` : `${sec < 10 ? sec.toFixed(1) : s} s`;
}

/**
 * The drill's message (an event: every drill tells; a failed one is ❌): "restorable, RTO 23 min" with the checks and
 * counts against the live instance, or exactly what broke (step, cause, fix, runbook), and what was cleaned up.
 */
export function drillContent(r: DrillReport): NotifyContent {
  const passed = r.result === 'passed';
  const c = r.counts;
  const sections: NotifySection[] = [
    {
      heading: passed ? 'What was proven' : 'What failed',
      rows: [
        ['backup', r.backup],
        ['GitLab', r.gitlabVersion],
        ['result', passed ? `restorable, RTO ${rtoWords(r.rtoSeconds)}` : 'failed'],
        ['step', r.step],
        ['cause', r.cause],
        ['fix', r.fix],
        ['pod', r.pod ? `${r.pod.namespace}/${r.pod.name} ${r.pod.image} (${r.pod.spec ?? r.pod.specs}${r.pod.extraStorageGiB ? `, +${r.pod.extraStorageGiB} GiB` : ''})` : undefined],
        ['wall time', `${r.wallSeconds} s${r.scriptSeconds !== undefined ? ` (the pod's script ${r.scriptSeconds} s)` : ''}`],
      ],
    },
    { heading: 'Checks', table: { columns: ['check', 'status', 'detail'], rows: r.checks.map((x) => [x.id, x.status, x.detail]) } },
  ];
  if (!passed && r.logTail?.length) sections.push({ heading: 'Last log lines of the pod', text: r.logTail.join('\n') });
  if (c) sections.push({ heading: 'Counts (restored / live)', rows: [['projects', `${c.projects.restored} / ${c.projects.live ?? '?'}`], ['users', `${c.users.restored} / ${c.users.live ?? '?'}`], ['groups', `${c.groups.restored} / ${c.groups.live ?? '?'}`]] });
  sections.push({ heading: 'Clean-up', text: [`deleted: ${r.cleanup.deleted.join(', ') || 'nothing'}`, ...(r.cleanup.leaked.length ? [`left by an earlier drill, removed: ${r.cleanup.leaked.join(', ')}`] : []), ...(r.cleanup.leftover.length ? [`STILL THERE (the next drill tries again; a refusal names the RBAC verb to grant): ${r.cleanup.leftover.join(', ')}`] : [])].join('\n') });
  return {
    action: 'restore-drill',
    title: passed ? `Restore drill passed ${r.backup}` : `Restore drill FAILED ${r.backup}`,
    severity: passed ? (r.cleanup.leftover.length ? 'warn' : 'ok') : 'fail',
    target: r.backup,
    counts: passed ? `restorable, RTO ${rtoWords(r.rtoSeconds)}` : `failed at ${r.step ?? '?'}`,
    outcome: passed ? `${r.checks.filter((x) => x.status === 'ok').length} checks ok${r.checks.some((x) => x.status === 'differs') ? ', some counts moved on since the backup' : ''}` : (r.cause ?? 'failed'),
    sections,
    links: [{ label: 'Restore drill runbook', url: r.runbook }],
  };
}
