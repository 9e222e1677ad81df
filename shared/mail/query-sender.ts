import type { RpcClient } from '#shared/cloud/pop/index';

/** Whether MAIL_FROM can send: `skipped` when mail is off or not configured. */
export type SenderStatus =
  | { kind: 'skipped'; reason: string }
  | { kind: 'checked'; address: string; region: string; found: boolean; accountStatus?: string; domainStatus?: string };

/**
 * Look MAIL_FROM up with DirectMail `QueryMailAddressByParam` (KeyWord = the address): a read-only call, so the
 * preflight can say "the sender is missing / frozen" before a failure mail would bounce. Response shape:
 * `{ data: { mailAddress: [{ AccountName, AccountStatus, DomainStatus, … }] }, TotalCount, … }` (aliyun
 * alibabacloud-java-sdk `dm-20151123/…/QueryMailAddressByParamResponseBody.java`); AccountStatus 0 = normal,
 * 1 = frozen; DomainStatus 0 = verified. Doc samples give numbers where the SDK says strings: both are accepted.
 */
export async function querySender(rpc: RpcClient, from: string, region: string): Promise<SenderStatus> {
  const out = await rpc.request<{ data?: { mailAddress?: Array<Record<string, unknown>> } }>('QueryMailAddressByParam', { KeyWord: from, PageSize: 50 }, { idempotent: true });
  const row = (out.data?.mailAddress ?? []).find((r) => String(r.AccountName ?? '').toLowerCase() === from.toLowerCase());
  if (!row) return { kind: 'checked', address: from, region, found: false };
  return { kind: 'checked', address: from, region, found: true, accountStatus: String(row.AccountStatus ?? ''), domainStatus: String(row.DomainStatus ?? '') };
}
