import { truncateChars } from './mail-limits';
import { STATUS_ICON, type MailReport, type RenderedMail } from './mail-types';
import { renderMailHtml } from './render-mail-html';
import { renderMailText } from './render-mail-text';

/** Room left for the mailer's subject prefix within DirectMail's 100-char Subject. */
export const SUBJECT_BUDGET = 80;

/**
 * Render a report mail: a short subject (`✅ Backup verified 2026-11-28 — 3 backups, 41 GiB`), an HTML body with
 * every value escaped and the status colour, and a plain-text twin. Pass the result to `Mailer.send`.
 * @example
 * const mail = renderMail({ title: 'Backup verified 2026-11-28', status: 'ok', summary: '3 backups, 41 GiB',
 *   sections: [{ heading: 'Backups', table: { columns: ['name', 'size'], rows: [['…_gitlab_backup.tar', '14 GiB']] } }] });
 * await ports.mail.send(mail);
 */
export function renderMail(r: MailReport): RenderedMail {
  const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();
  const head = `${STATUS_ICON[r.status]} ${oneLine(r.title)}`;
  const summary = oneLine(r.summary);
  const subject = summary ? truncateChars(`${head} — ${summary}`, SUBJECT_BUDGET) : truncateChars(head, SUBJECT_BUDGET);
  return { subject, html: renderMailHtml(r), text: renderMailText(r) };
}
