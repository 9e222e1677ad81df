import { AppError, isAppError } from '#shared/errors/index';

/**
 * What the operator should do, per DirectMail error code
 * (https://help.aliyun.com/zh/direct-mail/api-dm-2015-11-23-errorcodes).
 */
function hint(code: string, from: string, region: string): string | undefined {
  if (code === 'InvalidMailAddress.NotFound') return `sender address ${from} is not verified in DirectMail region ${region}: add it in that region's DirectMail console, or fix MAIL_FROM / DM_REGION`;
  if (code === 'InvalidMailAddressStatus.Malformed') return `sender address ${from} is frozen or unavailable in DirectMail region ${region}`;
  if (code === 'InvalidMailAddressDomain.Malformed') return `the domain of sender address ${from} is not verified in DirectMail region ${region}`;
  if (code === 'InvalidMailAddressSendType.Malformed') return `sender address ${from} cannot send with AddressType=1 (use a "sender address", not a random account)`;
  if (/^InvalidToAddress|^EmailFormatError|^EmailLengthError|^InvalidReceiverName/.test(code)) return 'a recipient address was rejected: check MAIL_TO';
  if (/Spam$/.test(code)) return 'DirectMail rejected the mail as spam or over quota (daily/frequency limit or account status)';
  if (/^InvalidSubject|^InvalidFromAlias|^InvalidBody/.test(code)) return 'DirectMail rejected the message format (subject, alias or body)';
  if (code === 'Forbidden' || /^Forbidden/.test(code)) return 'the function role may not call dm:SingleSendMail (check the RAM policy)';
  return undefined;
}

/**
 * Turn a POP_API failure of SingleSendMail into an AppError 'MAIL' whose message says what to fix. Keeps popCode,
 * requestId and retryability; never includes recipient lists or bodies.
 */
export function explainDmError(e: unknown, ctx: { from: string; region: string; batch: number; batches: number; sentEnvIds: string[] }): AppError {
  const pop = isAppError(e) ? e : undefined;
  const code = (pop?.details?.popCode as string | undefined) ?? '';
  const why = hint(code, ctx.from, ctx.region) ?? pop?.message ?? String(e);
  const part = ctx.batches > 1 ? ` (batch ${ctx.batch}/${ctx.batches}; ${ctx.sentEnvIds.length} batch(es) already sent)` : '';
  return new AppError('MAIL', `mail not sent: ${why}${code ? ` [${code}]` : ''}${part}`, {
    status: 502,
    retryable: pop?.retryable ?? false,
    cause: e,
    details: { popCode: code || undefined, requestId: pop?.details?.requestId, region: ctx.region, batch: ctx.batch, sentEnvIds: ctx.sentEnvIds },
  });
}
