import { toAppError } from '#shared/errors/index';
import type { Mailer } from '#shared/mail/index';
import type { Channel } from './channel';
import { renderNotifyMail } from './render-mail';

/**
 * DirectMail as a channel: the content rendered as HTML + text, sent by the existing mailer (its retries, limits and
 * DirectMail error explanations, ADR 0008). The subject fits the room the mailer's prefix leaves, so the mailer's
 * 100-character cut never reaches the counts. The skipping mailer (mail off or not configured) makes it `skipped`.
 */
export function mailChannel(mail: Mailer): Channel {
  return {
    name: 'mail',
    async send(c) {
      try {
        const r = await mail.send(renderNotifyMail(c, mail.subjectRoom));
        if (!r.sent) return { channel: 'mail', ok: false, skipped: r.skipped ?? 'mail not sent' };
        return { channel: 'mail', ok: true, ids: r.envIds };
      } catch (e) {
        return { channel: 'mail', ok: false, detail: toAppError(e).message };
      }
    },
  };
}
