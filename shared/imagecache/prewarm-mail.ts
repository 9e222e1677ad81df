import type { Logger } from '#shared/log/index';
import { renderMail, type Mailer, type MailSection } from '#shared/mail/index';
import type { StepOutcome } from './apply-image-cache-plan';
import type { PrewarmReport } from './run-prewarm';

const STATUS = { ok: 'ok', changed: 'ok', degraded: 'warn', failed: 'fail' } as const;

/**
 * Mail the run's summary: steps that did something or failed, projects with problems, the budget. A mail failure
 * is logged and reported (`mailed: false`), never fails the run: the caches are what matters.
 */
export async function sendPrewarmMail(
  mail: Mailer | undefined,
  log: Logger,
  r: { status: keyof typeof STATUS; summary: string; outcomes: StepOutcome[]; report: PrewarmReport },
): Promise<boolean> {
  if (!mail) return false;
  const steps = r.outcomes.filter((o) => o.step.kind !== 'keep' || o.outcome !== 'skipped');
  const problems = r.report.projects.filter((p) => p.errors.length || p.unresolved.length);
  const b = r.report.plan.budget;
  const sections: MailSection[] = [
    { heading: 'Steps', table: { columns: ['step', 'cache', 'outcome', 'detail'], rows: steps.map((o) => [o.step.kind, o.step.target, o.outcome, o.detail ?? o.step.reason]) } },
    {
      heading: 'Budget',
      rows: [
        ['caches', `${b.caches.used} / ${b.caches.max}`],
        ['images', `${b.images.used} / ${b.images.max}`],
        ['pod sets left out (budget)', r.report.totals.dropped],
        ['pod sets over 20 images', r.report.totals.notCacheable],
      ],
    },
  ];
  if (problems.length) {
    const rows = problems.slice(0, 50).map((p) => [p.path, [...p.errors, ...p.unresolved.map((u) => `${u.job}: ${u.ref} — ${u.reason}`)].slice(0, 3).join('; ')]);
    sections.push({ heading: 'Projects with problems', table: { columns: ['project', 'problem'], rows } });
  }
  try {
    const res = await mail.send(renderMail({ title: 'ImageCache pre-warm', status: STATUS[r.status], summary: r.summary, sections }));
    return res.sent;
  } catch (e) {
    log.warn('prewarm mail failed', { error: (e as Error).message });
    return false;
  }
}
