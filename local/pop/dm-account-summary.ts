import type { PopAction } from './types';

/**
 * The DirectMail account's state, as `DescAccountSummary` reports it. `userStatus`: 0 normal, 1 frozen, 2 overdue
 * payment, 4 outbound mail restricted, 8 logically deleted (aliyun/alibabacloud-typescript-sdk
 * `dm-20151123/src/models/DescAccountSummaryResponseBody.ts`, field `userStatus`). Mutable: the sandbox's
 * `dm-account` fault sets it.
 */
export interface DmAccount {
  userStatus: number;
  dailyQuota: number;
  dailyRemainFreeQuota: number;
  monthQuota: number;
  remainFreeQuota: number;
  quotaLevel: number;
  maxQuotaLevel: number;
  ipChannelType: 'normal' | 'backup';
}

/** A new account in good standing (the SDK model's example values). */
export const defaultDmAccount = (): DmAccount => ({ userStatus: 0, dailyQuota: 2000, dailyRemainFreeQuota: 200, monthQuota: 60000, remainFreeQuota: 1910, quotaLevel: 2, maxQuotaLevel: 10, ipChannelType: 'normal' });

/**
 * DirectMail `DescAccountSummary` (RPC 2015-11-23, read-only, no parameters): the account's counts, quotas and
 * `UserStatus`, with numbers as numbers (the SDK model types them `number`). Deprecated fields (DayuStatus, Sms*)
 * are answered as 0, as the model keeps them.
 */
export function descAccountSummary(o: { account: DmAccount; senders: () => number }): PopAction {
  return () => {
    const a = o.account;
    return {
      DailyQuota: a.dailyQuota,
      DailyRemainFreeQuota: a.dailyRemainFreeQuota,
      MonthQuota: a.monthQuota,
      RemainFreeQuota: a.remainFreeQuota,
      QuotaLevel: a.quotaLevel,
      MaxQuotaLevel: a.maxQuotaLevel,
      IpChannelType: a.ipChannelType,
      UserStatus: a.userStatus,
      Domains: 1,
      MailAddresses: o.senders(),
      Receivers: 0,
      Templates: 0,
      Tags: 0,
      EnableTimes: 0,
      DayuStatus: 0,
      SmsRecord: 0,
      SmsSign: 0,
      SmsTemplates: 0,
    };
  };
}
