import type { MailSection } from '#shared/mail/index';
import { countList, findingSections, runbookLink, type Finding, type NotifyContent, type NotifyDecision } from '#shared/notify/index';
import type { ReconcileReport } from './build-report';
import { RECONCILE_SEVERITY, findingStatus, reconcileStatus, stepStatus } from './reconcile-status';
import { renderFieldDiff } from './render-report';

const diffText = (d: ReconcileReport['steps'][number]['diff']): string => (d ?? []).flatMap(renderFieldDiff).join('\n');

/**
 * Reconcile's CONDITIONS (ADR 0023), one per object and cause: a blocked, failed or not-applied step; a rule or status
 * finding; a drifting Helm release; Failed ImageCaches. The detail (what makes it "changed") is the reason plus the
 * diff, so the same blocked recreate is told once and again only when its diff changes. Each one's severity is what
 * it makes of the run (stepStatus, findingStatus) through RECONCILE_SEVERITY, as the message's own.
 */
export function reconcileFindings(r: ReconcileReport): Finding[] {
  const out: Finding[] = [];
  for (const s of r.steps) {
    if (s.outcome === 'applied') continue;
    const what = s.outcome === 'skipped' ? 'not applied' : s.outcome;
    out.push({ target: s.target, cause: `${s.kind} ${what}`, severity: RECONCILE_SEVERITY[stepStatus(s.outcome)], summary: `${s.kind} ${what}: ${s.detail ?? s.reason}`, detail: `${s.reason}\n${s.detail ?? ''}\n${diffText(s.diff)}` });
  }
  for (const f of r.findings) out.push({ target: f.target, cause: `rule ${f.rule}`, severity: RECONCILE_SEVERITY[findingStatus(f.rule)], summary: f.message });
  const degraded = RECONCILE_SEVERITY.degraded;
  for (const rel of r.releases) {
    if (rel.state === 'Synced') continue;
    out.push({ target: rel.target, cause: 'release drift', severity: degraded, summary: rel.reasons.join(' · ') || `release ${rel.state}`, detail: `${rel.reasons.join('\n')}\n${rel.values.flatMap(renderFieldDiff).join('\n')}` });
  }
  const caches = r.objects.find((o) => o.target === 'ImageCache/*');
  if (caches && caches.state !== 'Synced') out.push({ target: caches.target, cause: 'caches failed', severity: degraded, summary: caches.reasons.join(' · ') });
  return out;
}

/** The fix, per kind of problem told in this message. */
function fixes(r: ReconcileReport, d: NotifyDecision): string[] {
  const causes = new Set(d.tell.map((t) => t.finding.cause));
  return [
    ...([...causes].some((c) => c.startsWith('recreate blocked')) ? ['A recreate of a Bound volume is never done for you: move the workload off it (or accept the live spec by editing infra/), then delete the claim; RECONCILE_ALLOW_RECREATE=true recreates only unbound objects.'] : []),
    ...([...causes].some((c) => c.endsWith('not applied')) ? [r.dryRun ? 'Dry run: run without dryRun to apply the safe steps.' : 'RECONCILE_APPLY=false: apply by hand (`npm run -s ops -- apply`) or set RECONCILE_APPLY=true.'] : []),
    ...(causes.has('release drift') ? ['Run `helmfile apply` for infra/helmfile.yaml (or set HELM_REMEDIATE=true to have the infra pipeline do it).'] : []),
    ...([...causes].some((c) => c.endsWith(' failed') && c !== 'caches failed') ? ['A step failed against the Kubernetes API: the detail above has its answer; FC retries transient errors.'] : []),
  ];
}

/**
 * The message: the trigger comes from the notifier; here what was applied (the diff), what was not and why, the fix
 * with the runbook (`runbookBase` = RUNBOOK_URL, else the repository path). Its severity is the run's status
 * (reconcileStatus) through RECONCILE_SEVERITY, as the result's and the exit code's.
 */
export function reconcileContent(r: ReconcileReport, d: NotifyDecision, o: { runbookBase?: string } = {}): NotifyContent {
  const applied = r.steps.filter((s) => s.outcome === 'applied');
  const notDone = r.steps.filter((s) => s.outcome !== 'applied');
  const bad = r.objects.filter((o) => o.state !== 'Synced');
  const sections: MailSection[] = [
    ...(applied.length ? [{ heading: 'What was done', text: applied.map((s) => [`${s.kind} ${s.target}: ${s.reason}`, diffText(s.diff)].filter(Boolean).join('\n')).join('\n\n') }] : []),
    ...(notDone.length ? [{ heading: 'What was not done, and why', table: { columns: ['step', 'object', 'outcome', 'why'], rows: notDone.map((s) => [s.kind, s.target, s.outcome, s.detail ?? s.reason]) } }] : []),
    ...findingSections(d),
    { heading: 'Objects', table: { columns: ['Object', 'State', 'Why'], rows: [...bad.map((o) => [o.target, o.state, o.reasons.join(' · ') || '—']), ...(r.objects.length > bad.length ? [[`${r.objects.length - bad.length} other(s)`, 'Synced', '—']] : [])] } },
    ...bad.filter((o) => o.diff?.length).map((o) => ({ heading: `Diff: ${o.target}`, text: (o.diff ?? []).flatMap(renderFieldDiff).join('\n') })),
  ];
  if (r.remediation) sections.push({ heading: 'Remediation', rows: Object.entries(r.remediation).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)] as const) });
  const fix = fixes(r, d);
  if (fix.length) sections.push({ heading: 'Fix', text: `${fix.join('\n')}\nRunbook: ${runbookLink(o.runbookBase, 'reconcile-hourly-and-on-pushes-to-the-infra-project')}` });
  const onlyResolved = !d.event && !d.tell.length && d.resolved.length > 0;
  const count = (o: string): number => r.steps.filter((s) => s.outcome === o).length;
  return {
    action: 'reconcile',
    title: onlyResolved ? 'Reconcile: resolved' : bad.length ? `Reconcile: ${bad.length} object(s) need attention` : 'Reconcile: drift fixed',
    severity: onlyResolved ? 'resolved' : RECONCILE_SEVERITY[reconcileStatus(r)],
    target: r.source,
    counts: countList([[count('applied'), 'applied'], [count('failed'), 'failed'], [count('blocked'), 'blocked'], [bad.length, 'not synced'], [d.resolved.length, 'resolved']]),
    outcome: onlyResolved ? `${d.resolved.map((e) => e.target).join(', ')} back in sync` : (d.tell[0]?.finding.summary ?? (applied.length ? 'drift fixed' : r.summary)),
    summary: r.summary,
    sections,
    footer: `Desired state: ${r.source}. Secret values are masked.`,
  };
}
