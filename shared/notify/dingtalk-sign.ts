import { createHmac } from 'node:crypto';

/**
 * DingTalk custom robot signing (加签): `sign = urlEncode(base64(HMAC-SHA256(key = secret, msg = timestamp + "\n" +
 * secret)))`, `timestamp` in ms, appended as `&timestamp=…&sign=…` to the webhook URL; the server accepts a timestamp
 * within 1 hour of its clock. Source: https://open.dingtalk.com/document/robots/customize-robot-security-settings
 * @example signedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', 'SEC…', Date.now())
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** The webhook URL with `timestamp` and `sign` added (only `timestamp` + `sign` are replaced if already present). */
export function signedUrl(webhookUrl: string, secret: string | undefined, timestampMs: number): string {
  if (!secret) return webhookUrl;
  const u = new URL(webhookUrl);
  u.searchParams.set('timestamp', String(timestampMs));
  u.searchParams.set('sign', dingtalkSign(secret, timestampMs));
  return u.toString();
}
