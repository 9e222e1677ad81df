import { defaultDmAccount, descAccountSummary, type DmAccount } from './dm-account-summary';
import { sendOutboxHtml, sendOutboxJson } from './dm-outbox-page';
import { queryMailAddressByParam } from './dm-query-mail-address';
import { gatewayErrors, PopError } from './pop-error';
import type { PopProduct } from './types';

/** A mail accepted by the emulated SingleSendMail. */
export interface DmMail {
  envId: string;
  requestId: string;
  sentAt: string;
  accountName: string;
  fromAlias?: string;
  to: string[];
  subject: string;
  htmlBody?: string;
  textBody?: string;
  replyToAddress: string;
  tagName?: string;
}

export interface DmProductOptions {
  /** Sender addresses configured (verified) in this DirectMail region. */
  senders: string[];
  /** Senders that exist but are frozen/unavailable → InvalidMailAddressStatus.Malformed. */
  frozenSenders?: string[];
  /** The account's state (DescAccountSummary); default: in good standing. */
  account?: DmAccount;
}

/** "SDK limit 80K" per body (https://www.alibabacloud.com/help/doc-detail/29444.htm); enforced in UTF-8 bytes. */
export const DM_BODY_LIMIT_BYTES = 80 * 1024;
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

/**
 * DirectMail (RPC 2015-11-23) `SingleSendMail`, validating like the real API with its codes
 * (https://www.alibabacloud.com/help/doc-detail/29444.htm;
 * https://help.aliyun.com/zh/direct-mail/api-dm-2015-11-23-errorcodes),
 * keeping an outbox served at `GET /outbox` (HTML) and `GET /outbox.json`.
 */
export function dmProduct(opts: DmProductOptions): PopProduct & { outbox: DmMail[]; account: DmAccount } {
  const outbox: DmMail[] = [];
  const account = opts.account ?? defaultDmAccount();
  let seq = 0;
  const bad = (status: number, code: string, msg: string): PopError => new PopError(status, code, msg);
  return {
    name: 'dm',
    version: '2015-11-23',
    hostId: 'dm.aliyuncs.com',
    outbox,
    account,
    pages: [
      { path: '/outbox', handler: (_req, res) => sendOutboxHtml(res, outbox) },
      { path: '/outbox.json', handler: (_req, res) => sendOutboxJson(res, outbox) },
    ],
    actions: {
      DescAccountSummary: descAccountSummary({ account, senders: () => opts.senders.length + (opts.frozenSenders?.length ?? 0) }),
      QueryMailAddressByParam: queryMailAddressByParam(opts),
      SingleSendMail: (p, ctx) => {
        for (const k of ['AccountName', 'AddressType', 'ReplyToAddress', 'ToAddress', 'Subject'] as const) {
          if (p[k] === undefined || p[k] === '') throw gatewayErrors.missingParameter(k);
        }
        if (!['0', '1'].includes(p.AddressType!)) throw bad(400, 'InvalidMailAddressSendType.Malformed', 'The specified AddressType is invalid.');
        if (!['true', 'false'].includes(p.ReplyToAddress!)) throw bad(400, 'InvalidParameter', 'ReplyToAddress must be "true" or "false".');
        // An account that is not in good standing (frozen, overdue, restricted, deleted) sends nothing. The error table
        // lists InvalidSendMail.Spam for "frequency or quota exceeded, or user status"; which code a given status
        // gets is UNCONFIRMED (https://help.aliyun.com/zh/direct-mail/api-dm-2015-11-23-errorcodes).
        if (account.userStatus !== 0) throw bad(400, 'InvalidSendMail.Spam', 'The mail is rejected by the spam filter.');
        if (opts.frozenSenders?.includes(p.AccountName!)) throw bad(400, 'InvalidMailAddressStatus.Malformed', 'The mail address status is invalid.');
        if (!opts.senders.includes(p.AccountName!)) throw bad(404, 'InvalidMailAddress.NotFound', 'The specified mail address is not found.');
        const to = p.ToAddress!.split(',').map((s) => s.trim()).filter(Boolean);
        if (to.length === 0 || to.length > 100) throw bad(400, 'InvalidToAddress', 'The number of recipient addresses must be between 1 and 100.');
        for (const a of to) {
          if (a.length > 192) throw bad(400, 'EmailLengthError', 'The email address length exceeds 192 characters.');
          if (!EMAIL.test(a)) throw bad(400, 'InvalidToAddress', `The specified recipient address ${a} is invalid.`);
        }
        if ([...p.Subject!].length > 100) throw bad(400, 'InvalidSubject.Malformed', 'The subject exceeds 100 characters.');
        if (p.HtmlBody === undefined && p.TextBody === undefined) throw bad(400, 'InvalidBody', 'HtmlBody or TextBody is required.');
        for (const b of [p.HtmlBody, p.TextBody]) {
          if (b !== undefined && Buffer.byteLength(b) > DM_BODY_LIMIT_BYTES) throw bad(400, 'InvalidBody', 'The mail body exceeds the 80K limit.');
        }
        if (p.FromAlias !== undefined && [...p.FromAlias].length >= 15) throw bad(400, 'InvalidFromAlias.Malformed', 'The FromAlias must be shorter than 15 characters.');
        const envId = String(600000000000000000n + BigInt(Date.now()) * 1000n + BigInt(++seq));
        outbox.push({
          envId,
          requestId: ctx.requestId,
          sentAt: ctx.now.toISOString(),
          accountName: p.AccountName!,
          ...(p.FromAlias !== undefined ? { fromAlias: p.FromAlias } : {}),
          to,
          subject: p.Subject!,
          ...(p.HtmlBody !== undefined ? { htmlBody: p.HtmlBody } : {}),
          ...(p.TextBody !== undefined ? { textBody: p.TextBody } : {}),
          replyToAddress: p.ReplyToAddress!,
          ...(p.TagName !== undefined ? { tagName: p.TagName } : {}),
        });
        return { EnvId: envId };
      },
    },
  };
}
