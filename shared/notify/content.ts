import type { MailSection } from '#shared/mail/index';
import type { InvokeRequest } from '#shared/runtime/index';

/** How bad: `resolved` = a condition told before has cleared. */
export type Severity = 'ok' | 'warn' | 'fail' | 'resolved';

/** A link people follow from a message (GitLab commit, runbook). Only http(s) URLs are rendered as links. */
export interface NotifyLink {
  label: string;
  url: string;
}

/** A details block: key/value rows, free text or a table (the mail renderers' sections). */
export type NotifySection = MailSection;

/** What changed, as the webhook read it from the hook (`request.source.trigger`). */
export type Trigger = NonNullable<NonNullable<InvokeRequest['source']>['trigger']>;

/**
 * One message, whatever the channel: mail (HTML + text), DingTalk markdown and Slack blocks are rendered from it.
 * The subject is built from severity, action, target, counts and outcome; `counts` are never cut from it.
 * @example
 * const c: NotifyContent = { action: 'reconcile', title: 'Reconcile', severity: 'warn', target: 'ops/infra@main',
 *   counts: '1 blocked', outcome: 'recreate of PV nas-cache blocked while Bound', sections: [...] };
 */
export interface NotifyContent {
  /** `prewarm`, `backup`, `watchdog`, `reconcile`. */
  action: string;
  /** Heading of the body, e.g. "Backup FAILED 1764…_gitlab_backup". */
  title: string;
  severity: Severity;
  /** What it is about: a project path, an object, a host, a bucket. Shortened first when the subject is long. */
  target: string;
  /** Numbers people act on ("1 failed, 3 created"): kept whole in every subject. */
  counts?: string;
  /** One line: what happened. Shortened after the target. */
  outcome: string;
  /** A sentence or two under the banner. */
  summary?: string;
  /** Details: cause, what was done, what was not and why, the fix. */
  sections?: NotifySection[];
  links?: NotifyLink[];
  /** A dry run asked to notify (`"notify": true`): the subject says DRY RUN. */
  dryRun?: boolean;
  /** A reminder of an unchanged condition: the subject says so. */
  reminder?: boolean;
  /** Short lines under the summary (set by the notifier: reminder, alert state unavailable). */
  notes?: string[];
  footer?: string;
}

export const SEVERITY_ICON: Record<Severity, string> = { ok: '✅', warn: '⚠️', fail: '❌', resolved: '☑️' };
export const SEVERITY_WORD: Record<Severity, string> = { ok: 'OK', warn: 'WARN', fail: 'FAIL', resolved: 'RESOLVED' };

/** The worse of two severities (fail > warn > resolved > ok). */
export function worst(a: Severity, b: Severity): Severity {
  const rank: Record<Severity, number> = { ok: 0, resolved: 1, warn: 2, fail: 3 };
  return rank[b] > rank[a] ? b : a;
}

/** `4 applied, 1 blocked` from `[[4, 'applied'], [0, 'failed'], [1, 'blocked']]`: the non-zero counts, in order. */
export function countList(pairs: ReadonlyArray<readonly [number, string]>): string {
  return pairs.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`).join(', ');
}
