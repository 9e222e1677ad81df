import { renderMailHtml, renderMailText, type MailReport, type RenderedMail } from '#shared/mail/index';
import type { NotifyContent } from './content';
import { buildSubject, NOTIFY_SUBJECT_BUDGET } from './subject';

/** The content as the mail renderers take it (the body's banner line carries the counts and outcome). */
export function toMailReport(c: NotifyContent): MailReport {
  const line = [c.counts, c.outcome].filter(Boolean).join(' — ');
  return {
    title: c.dryRun ? `DRY RUN — ${c.title}` : c.title,
    status: c.severity,
    summary: c.summary ? `${line}. ${c.summary}` : line,
    ...(c.notes?.length ? { notes: c.notes } : {}),
    ...(c.sections?.length ? { sections: c.sections } : {}),
    ...(c.links?.length ? { links: c.links } : {}),
    ...(c.footer ? { footer: c.footer } : {}),
  };
}

/**
 * Mail for DirectMail: the notify subject (severity, action, target, counts never cut) within `subjectRoom` (what
 * the mailer leaves after MAIL_SUBJECT_PREFIX; at most NOTIFY_SUBJECT_BUDGET), the existing HTML renderer (every
 * value escaped, status colour) and its plain-text twin.
 */
export function renderNotifyMail(c: NotifyContent, subjectRoom = NOTIFY_SUBJECT_BUDGET): RenderedMail {
  const r = toMailReport(c);
  return { subject: buildSubject(c, Math.min(NOTIFY_SUBJECT_BUDGET, subjectRoom)), html: renderMailHtml(r), text: renderMailText(r) };
}
