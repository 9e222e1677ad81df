import type { RpcClient } from '#shared/cloud/pop/index';
import { AppError, isAppError } from '#shared/errors/index';
import { scrub, type Logger } from '#shared/log/index';
import { retry, type Clock } from '#shared/runtime/index';
import { explainDmError } from './explain-dm-error';
import { chunk, DM_MAX_FROM_ALIAS, DM_MAX_RECIPIENTS, DM_MAX_SUBJECT, fitBody, truncateChars } from './mail-limits';
import { querySender, type SenderStatus } from './query-sender';

/** One mail to send; `to` overrides the configured recipients. */
export interface MailMessage {
  subject: string;
  html?: string;
  text?: string;
  to?: string[];
}

export interface MailResult {
  /** False when mail is not configured (the skipping mailer). */
  sent: boolean;
  /** One DirectMail EnvId per batch of ≤100 recipients. */
  envIds: string[];
  recipients: number;
  skipped?: string;
  /** Bodies cut to fit DirectMail's limit. */
  truncated?: Array<'html' | 'text'>;
}

/** The `mail` port. */
export interface Mailer {
  send(msg: MailMessage): Promise<MailResult>;
  /** Read-only: is MAIL_FROM a usable sender in this DirectMail region (preflight, `ops doctor`)? */
  senderStatus?(): Promise<SenderStatus>;
  /** UTF-16 units a caller's subject may take after MAIL_SUBJECT_PREFIX (absent: all of DirectMail's 100). */
  readonly subjectRoom?: number;
}

/** The prefix as it heads every subject: whitespace collapsed, trimmed (empty = none). */
const normalPrefix = (prefix: string | undefined): string => (prefix ?? '').replace(/\s+/g, ' ').trim();

/** Room left for the subject after `prefix` and its space: DirectMail's 100 minus both (never below 0). */
export function mailSubjectRoom(prefix: string | undefined): number {
  const p = normalPrefix(prefix);
  return Math.max(0, DM_MAX_SUBJECT - (p ? p.length + 1 : 0));
}

export interface MailerOptions {
  /** A DirectMail RpcClient (API 2015-11-23) for DM_ENDPOINT / DM_REGION. */
  rpc: RpcClient;
  /** MAIL_FROM: a sender address verified in `region`. */
  from: string;
  fromAlias?: string;
  subjectPrefix?: string;
  to: string[];
  /** For error messages (the sender must be configured in this region). */
  region?: string;
  log: Logger;
  /** Attempts per batch on throttling or InternalServiceError (default 4). */
  attempts?: number;
  clock?: Clock;
}

const RETRY_CODES = /^(Throttling.*|InternalServiceError|ServiceUnavailable)$/;

/**
 * DirectMail mailer: SingleSendMail by POST (bodies up to 80K), recipients in batches of 100, subject prefixed and
 * cut to 100 chars (a caller that must keep its subject whole fits it to `subjectRoom`), bodies cut with a note,
 * FromAlias under 15 chars, everything run through `scrub` so registered secrets never leave in a mail. Retries
 * throttling and InternalServiceError with backoff.
 * @example
 * const mailer = createMailer({ rpc: dm, from: 'ops@mail.example.com', to: ['team@example.com'], log });
 * await mailer.send(renderMail({ title: 'Backup verified', status: 'ok', summary: '3 backups' }));
 */
export function createMailer(opts: MailerOptions): Mailer {
  const region = opts.region ?? 'ap-southeast-1';
  const alias = opts.fromAlias ? truncateChars(opts.fromAlias.trim(), DM_MAX_FROM_ALIAS, '') : undefined;
  return {
    subjectRoom: mailSubjectRoom(opts.subjectPrefix),
    async send(msg) {
      const to = [...new Set((msg.to ?? opts.to).map((a) => a.trim()).filter(Boolean))];
      if (to.length === 0) throw new AppError('MAIL', 'mail not sent: no recipients (set MAIL_TO)', { status: 500 });
      if (!msg.html && !msg.text) throw new AppError('MAIL', 'mail not sent: empty body', { status: 500 });
      const prefix = normalPrefix(opts.subjectPrefix);
      const subject = truncateChars(scrub(`${prefix ? prefix + ' ' : ''}${msg.subject}`.replace(/\s+/g, ' ').trim()), DM_MAX_SUBJECT);
      const truncated: Array<'html' | 'text'> = [];
      const body: Record<string, string> = {};
      for (const [kind, key, value] of [['html', 'HtmlBody', msg.html], ['text', 'TextBody', msg.text]] as const) {
        if (!value) continue;
        const fit = fitBody(scrub(value), kind);
        body[key] = fit.body;
        if (fit.truncated) truncated.push(kind);
      }
      if (truncated.length) opts.log.warn('mail body truncated to fit DirectMail', { truncated, subject });
      const batches = chunk(to, DM_MAX_RECIPIENTS);
      const envIds: string[] = [];
      for (const [i, batch] of batches.entries()) {
        const params = {
          AccountName: opts.from,
          AddressType: 1, // 1 = sender address (not a random account), https://www.alibabacloud.com/help/doc-detail/29444.htm
          ReplyToAddress: 'false', // a string, not a boolean
          ToAddress: batch.join(','),
          Subject: subject,
          ...body,
          ...(alias ? { FromAlias: alias } : {}),
        };
        try {
          const out = await retry(() => opts.rpc.request<{ EnvId?: string }>('SingleSendMail', params, { method: 'POST' }), {
            attempts: opts.attempts ?? 4,
            baseMs: 500,
            ...(opts.clock ? { clock: opts.clock } : {}),
            isRetryable: (e) => isAppError(e) && RETRY_CODES.test(String(e.details?.popCode ?? '')),
            onRetry: (e, attempt, waitMs) => opts.log.warn('DirectMail busy, retrying', { attempt, waitMs, popCode: isAppError(e) ? e.details?.popCode : undefined }),
          });
          envIds.push(String(out.EnvId ?? ''));
        } catch (e) {
          const err = explainDmError(e, { from: opts.from, region, batch: i + 1, batches: batches.length, sentEnvIds: envIds });
          opts.log.error('mail failed', { err, subject });
          throw err;
        }
      }
      opts.log.info('mail sent', { subject, recipients: to.length, batches: batches.length, envIds });
      return { sent: true, envIds, recipients: to.length, ...(truncated.length ? { truncated } : {}) };
    },
    senderStatus: () => querySender(opts.rpc, opts.from, region),
  };
}

/** A mailer for when mail is off or not configured: logs "mail skipped" and reports why. */
export function createSkippingMailer(log: Logger, reason: string): Mailer {
  return {
    async send(msg) {
      log.info('mail skipped', { reason, subject: scrub(msg.subject) });
      return { sent: false, envIds: [], recipients: 0, skipped: reason };
    },
    senderStatus: async () => ({ kind: 'skipped', reason }),
  };
}
