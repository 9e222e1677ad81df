import { truncateChars } from '#shared/mail/index';
import { SEVERITY_ICON, SEVERITY_WORD, type NotifyContent } from './content';

/**
 * Longest subject or title on any channel. A mail's is shorter when MAIL_SUBJECT_PREFIX leaves less of DirectMail's
 * 100 chars (`Mailer.subjectRoom`, applied by the mail channel; ADR 0008).
 */
export const NOTIFY_SUBJECT_BUDGET = 80;
/** The target and outcome are never cut below this (unless the counts alone leave no room). */
const MIN_PART = 12;

const oneLine = (s: string | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

/** Keep the end of a target (`…/java-demo`): the last segment names the thing; the group is context. */
function cutStart(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return '…';
  const cps = [...s];
  let out = '';
  for (let i = cps.length - 1; i >= 0 && out.length + cps[i]!.length + 1 <= max; i--) out = cps[i]! + out;
  return `…${out}`;
}

/** The fixed head: severity icon and word, reminder and DRY RUN marks, the action. */
export function subjectHead(c: Pick<NotifyContent, 'severity' | 'reminder' | 'dryRun' | 'action'>): string {
  return [SEVERITY_ICON[c.severity], SEVERITY_WORD[c.severity], c.reminder ? 'reminder' : '', c.dryRun ? 'DRY RUN' : '', c.action].filter(Boolean).join(' ');
}

function compose(head: string, target: string, counts: string, outcome: string): string {
  const tail = [counts, outcome].filter(Boolean).join(' — ');
  return `${head}${target ? ` ${target}` : ''}${tail ? `: ${tail}` : ''}`;
}

/**
 * `⚠️ WARN reconcile ops/infra@main: 1 blocked — recreate of PV nas-cache blocked while Bound`: severity, action,
 * target, counts, outcome. Over `budget`, the outcome is cut first, then the target (keeping its end), each down to
 * MIN_PART, then the outcome goes; the head and the counts are never cut.
 */
export function buildSubject(c: NotifyContent, budget = NOTIFY_SUBJECT_BUDGET): string {
  const head = subjectHead(c);
  let target = oneLine(c.target);
  const counts = oneLine(c.counts);
  let outcome = oneLine(c.outcome);
  const len = (): number => compose(head, target, counts, outcome).length;
  if (len() <= budget) return compose(head, target, counts, outcome);
  const over = (): number => len() - budget;
  if (outcome) outcome = truncateChars(outcome, Math.max(MIN_PART, outcome.length - over()));
  if (over() > 0) target = cutStart(target, Math.max(MIN_PART, target.length - over()));
  if (over() > 0 && outcome) outcome = counts ? '' : truncateChars(outcome, Math.max(1, outcome.length - over()));
  if (over() > 0) target = cutStart(target, Math.max(1, target.length - over()));
  return compose(head, target, counts, outcome);
}
