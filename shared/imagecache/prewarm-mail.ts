import type { MailSection } from '#shared/mail/index';
import { countList, findingSections, runbookLink, type Notifier, type NotifyContent, type NotifyDecision, type NotifyOutcome, type Severity, type Trigger } from '#shared/notify/index';
import type { StepOutcome } from './apply-image-cache-plan';
import { prewarmCovers, prewarmFindings } from './prewarm-findings';
import type { PrewarmResult } from './run-prewarm';
import { sizeText } from './prewarm-verdict';

const SEVERITY: Record<PrewarmResult['status'], Severity> = { ok: 'ok', changed: 'ok', degraded: 'warn', failed: 'fail' };

/** Where the message comes from and where its runbook is published. */
export interface PrewarmMessageOptions {
  /** The webhook's `source.trigger` (the push that caused the run), for the target. */
  trigger?: Trigger;
  /** RUNBOOK_URL: docs/operations.md as published; unset = the repository path as text. */
  runbookBase?: string;
}

/** Fixes per finding class, in words (the ones that apply to this message). */
function fixes(d: NotifyDecision): string[] {
  const causes = new Set(d.tell.map((t) => t.finding.cause));
  return [
    ...(causes.has('ci config') ? ['Fix the CI configuration named above (the file and line are in the finding) and push again; until then the project keeps its last good image set.'] : []),
    ...(causes.has('discovery failed') ? ['Give GITLAB_TOKEN read access (read_api, Reporter) to the project, or leave it out of GITLAB_PROJECTS.'] : []),
    ...(causes.has('token rights') ? ['Give GITLAB_TOKEN Maintainer on the project (Owner on groups with CI/CD variables) so image names with variables resolve.'] : []),
    ...(causes.has('cache failed') ? ['A cache failed: check the image names and registry credentials (IMAGECACHE_PULL_SECRETS); the ECI event is in the finding. The old cache is kept until a replacement is Ready.'] : []),
    ...(causes.has('pod sets left out') ? ['Raise IMAGECACHE_MAX_CACHES / IMAGECACHE_MAX_IMAGES or cache fewer images.'] : []),
  ];
}

/** The message: what changed and why (the trigger), what was done (caches created/deleted), what was not, the fix. */
export function prewarmContent(r: PrewarmResult, d: NotifyDecision, o: PrewarmMessageOptions = {}): NotifyContent {
  const trigger = o.trigger;
  const applied = r.outcomes.filter((o) => o.outcome === 'applied' && o.step.kind !== 'keep');
  const notDone = r.outcomes.filter((o) => o.outcome === 'failed' || o.outcome === 'blocked' || (d.dryRun && o.step.kind !== 'keep'));
  const n = (kinds: string[]): number => applied.filter((o) => kinds.includes(o.step.kind)).length;
  const failed = r.outcomes.filter((o) => o.outcome === 'failed').length;
  const blocked = r.outcomes.filter((o) => o.outcome === 'blocked').length;
  const planned = r.outcomes.filter((o) => o.outcome === 'skipped' && o.step.kind !== 'keep').length;
  const images = (o: StepOutcome): string => ('manifest' in o.step ? o.step.manifest.spec.images.join(', ') : o.step.reason);
  const b = r.report.plan.budget;
  const sections: MailSection[] = [
    ...(applied.length ? [{ heading: 'What was done', table: { columns: ['step', 'cache', 'images / why'], rows: applied.map((o) => [o.step.kind, o.step.target, images(o)]) } }] : []),
    ...(notDone.length ? [{ heading: d.dryRun ? 'What would be done (dry run)' : 'What was not done, and why', table: { columns: ['step', 'cache', 'outcome', 'why'], rows: notDone.map((o) => [o.step.kind, o.step.target, o.outcome, o.detail ?? o.step.reason]) } }] : []),
    ...(r.report.apply?.pending.length ? [{ heading: 'Still pending at the deadline', text: `${r.report.apply.pending.join(', ')}: the next run follows them.` }] : []),
    ...findingSections(d),
    { heading: 'Budget', rows: [['caches', `${b.caches.used} / ${b.caches.max}`], ['images', `${b.images.used} / ${b.images.max}`], ['pod sets left out (budget)', r.report.totals.dropped], ['pod sets over 20 images', r.report.totals.notCacheable]] },
  ];
  const fix = fixes(d);
  if (fix.length) sections.push({ heading: 'Fix', text: `${fix.join('\n')}\nRunbook: ${runbookLink(o.runbookBase, 'prewarm-imagecaches')}` });
  const onlyResolved = !d.event && !d.tell.length && d.resolved.length > 0;
  const project = trigger?.project?.path ? `${trigger.project.path}${trigger.ref ? `@${trigger.ref.replace(/^refs\/heads\//, '')}` : ''}` : undefined;
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const walked = r.report.walk.mode === 'full' ? plural(r.report.projects.length, 'project') : r.report.projects.filter((p) => !p.memo).map((p) => p.path).join(', ') || 'caches';
  return {
    action: 'prewarm',
    title: 'ImageCache pre-warm',
    severity: onlyResolved ? 'resolved' : SEVERITY[r.status],
    target: project ?? walked,
    // A dry run's counts are its summary's: steps it would take, and caches that failed earlier (prewarm-verdict.ts).
    counts: d.dryRun ? [`${planned} step(s) planned`, ...(failed ? [`${failed} failed`] : [])].join(', ') : countList([[n(['create', 'refresh']), 'created'], [n(['delete-superseded']), 'deleted'], [failed, 'failed'], [blocked, 'blocked'], [d.resolved.length, 'resolved']]),
    outcome: onlyResolved ? `${d.resolved.map((e) => e.target).join(', ')} fixed` : (d.tell[0]?.finding.summary ?? (r.report.apply?.pending.length ? `${r.report.apply.pending.length} cache(s) still pending` : d.dryRun ? 'plan only' : 'caches Ready')),
    summary: `${sizeText(r.report.plan)} (${r.report.walk.mode === 'hook' ? 'hook run' : 'full walk'}: ${r.report.walk.why}).`,
    sections,
  };
}

/**
 * Tell about one prewarm run: caches created or deleted are an EVENT (told every time); project and cache problems
 * are CONDITIONS (told once, reminded, resolved). A run with neither is silent.
 */
export async function notifyPrewarm(notifier: Notifier, r: PrewarmResult, o: PrewarmMessageOptions = {}): Promise<NotifyOutcome> {
  // A dry run's planned changes count as its event (it tells only with "notify": true).
  const event = r.outcomes.some((o) => o.step.kind !== 'keep' && (o.outcome === 'applied' || o.detail === 'dry run'));
  return notifier.notify({ action: 'prewarm', findings: prewarmFindings(r), covers: prewarmCovers(r.report), event, build: (d) => prewarmContent(r, d, o) });
}
