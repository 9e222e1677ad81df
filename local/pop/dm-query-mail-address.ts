import type { PopAction } from './types';

/**
 * DirectMail `QueryMailAddressByParam` (RPC 2015-11-23, read-only): the sender addresses matching `KeyWord`, in the
 * shape the SDK models (`{ data: { mailAddress: [{ AccountName, AccountStatus, DomainStatus, … }] }, TotalCount,
 * PageNumber, PageSize }`, aliyun alibabacloud-java-sdk `dm-20151123/…/QueryMailAddressByParamResponseBody.java`).
 * AccountStatus "0" = normal, "1" = frozen; DomainStatus "0" = verified. The preflight's sender check calls it.
 */
export function queryMailAddressByParam(opts: { senders: string[]; frozenSenders?: string[] }): PopAction {
  return (p) => {
    const keyword = (p.KeyWord ?? '').toLowerCase();
    const pageSize = Math.min(100, Math.max(1, Number(p.PageSize ?? 10) || 10));
    const all = [...opts.senders, ...(opts.frozenSenders ?? [])].filter((a) => a.toLowerCase().includes(keyword));
    const rows = all.slice(0, pageSize).map((a, i) => ({
      MailAddressId: String(100000 + i),
      AccountName: a,
      AccountStatus: opts.frozenSenders?.includes(a) ? '1' : '0',
      DomainStatus: '0',
      Sendtype: 'trigger',
      ReplyStatus: '0',
      ReplyAddress: '',
      DailyCount: '0',
      MonthCount: '0',
      DailyReqCount: '2000',
      MonthReqCount: '60000',
      CreateTime: '2026-01-01T00:00Z',
    }));
    return { data: { mailAddress: rows }, TotalCount: all.length, PageNumber: 1, PageSize: pageSize };
  };
}
