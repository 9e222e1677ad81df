import { failed, ok } from '#shared/checks/index';
import { createRpcClient } from '#shared/cloud/pop/index';
import { DM_API_VERSION, dmEndpoint } from '#shared/mail/index';
import { doctorCheck, gates } from '../doctor-check';

/**
 * DescAccountSummary `UserStatus` (aliyun/alibabacloud-typescript-sdk `dm-20151123/src/models/
 * DescAccountSummaryResponseBody.ts`): 0 normal; anything else sends nothing, whatever the sender's own state.
 */
const USER_STATUS: Record<number, { what: string; fix: string }> = {
  1: { what: 'frozen', fix: 'the DirectMail account is frozen: see the DirectMail console (Overview) for why, and ask Alibaba Cloud support to unfreeze it' },
  2: { what: 'overdue (unpaid bills)', fix: 'pay the overdue bills of the Alibaba Cloud account (Billing Management); DirectMail sends again once it is settled' },
  4: { what: 'restricted from sending outbound mail', fix: 'outbound mail is restricted (usually after bounces or spam reports): see the DirectMail console and ask support to lift it' },
  8: { what: 'deleted', fix: 'DirectMail was released on this account: activate it again and re-create the sender domain and MAIL_FROM' },
};

/**
 * `mail.account`: the DirectMail account itself can send (DescAccountSummary, read-only). A sender that looks fine
 * (`mail.sender`) still sends nothing from a frozen or overdue account — every report then fails with
 * InvalidSendMail.Spam. The detail also carries the quotas, which are informative only (mail beyond the free
 * quota is billed, not refused).
 */
export const mailAccount = doctorCheck({
  id: 'mail.account',
  service: 'directmail',
  gate: gates.mail,
  async run(ctx) {
    const e = ctx.config().env;
    const rpc = createRpcClient({ endpoint: e.DM_ENDPOINT ?? dmEndpoint(e.DM_REGION), apiVersion: DM_API_VERSION, credentials: () => ctx.credentials() });
    let s: Record<string, unknown>;
    try {
      s = await rpc.request<Record<string, unknown>>('DescAccountSummary', {}, { idempotent: true });
    } catch (err) {
      return failed(`DirectMail DescAccountSummary failed: ${(err as Error).message}`, 'grant dm:DescAccountSummary to whoever runs doctor (npm run -s ops -- policy --operator), and check DM_REGION / DM_ENDPOINT');
    }
    const status = Number(s.UserStatus);
    const quota = `daily quota ${String(s.DailyQuota ?? '?')}, ${String(s.DailyRemainFreeQuota ?? '?')} free left today; reputation level ${String(s.QuotaLevel ?? '?')}/${String(s.MaxQuotaLevel ?? '?')}${s.IpChannelType ? `; IP channel ${String(s.IpChannelType)}` : ''}`;
    if (status === 0) return ok(`DirectMail account in ${e.DM_REGION} is in good standing (${quota})`);
    const known = USER_STATUS[status];
    if (!known) return failed(`DirectMail account in ${e.DM_REGION} has UserStatus ${String(s.UserStatus)} (not 0, normal): mail is likely refused`, 'see the DirectMail console (Overview) for the account\'s state');
    return failed(`DirectMail account in ${e.DM_REGION} is ${known.what} (UserStatus ${status}): no report can be mailed`, known.fix);
  },
});
