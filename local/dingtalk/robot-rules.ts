import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a DingTalk custom robot checks, written from DingTalk's docs independently of the client's signer
 * (https://open.dingtalk.com/document/robots/customize-robot-security-settings): `timestamp` in ms within 1 h of the
 * server's clock, `sign` = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), sent URL-encoded (a `+` left
 * unencoded reads as a space and no longer matches). 20 messages per minute per robot, then 10 minutes refused.
 */
export const ROBOT_RULES = { skewMs: 3_600_000, perMinute: 20, windowMs: 60_000, throttleMs: 600_000 } as const;

/** DingTalk's answer: HTTP 200 always, `errcode` 0 or the reason. */
export interface RobotAnswer {
  errcode: number;
  errmsg: string;
}

export const OK: RobotAnswer = { errcode: 0, errmsg: 'ok' };
// Observed texts (see the facts in docs/adr/0023): errcode 310000 for signature/timestamp, 130101 for the limit.
export const SIGN_NOT_MATCH: RobotAnswer = { errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' };
export const INVALID_TIMESTAMP: RobotAnswer = { errcode: 310000, errmsg: 'invalid timestamp' };
export const TOO_FAST: RobotAnswer = { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' };
// UNCONFIRMED codes and texts (widely reported, not in DingTalk's stored docs): unknown token, missing body fields.
export const NO_TOKEN: RobotAnswer = { errcode: 300001, errmsg: 'token is not exist' };
export const BAD_BODY: RobotAnswer = { errcode: 40035, errmsg: '缺少参数 json' };

/** Check `timestamp` and `sign` of one request against the robot's secret. */
export function checkSignature(secret: string, query: URLSearchParams, now: number): RobotAnswer | undefined {
  const ts = query.get('timestamp') ?? '';
  if (!/^\d{13}$/.test(ts) || Math.abs(now - Number(ts)) > ROBOT_RULES.skewMs) return INVALID_TIMESTAMP;
  const want = Buffer.from(createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'));
  const got = Buffer.from(query.get('sign') ?? '');
  return got.length === want.length && timingSafeEqual(got, want) ? undefined : SIGN_NOT_MATCH;
}

/** A message body the robot accepts: `text` with `content`, or `markdown` with `title` and `text`. */
export function checkBody(raw: string): { ok: true; msgtype: string; title?: string; text: string } | { ok: false } {
  let b: { msgtype?: unknown; text?: { content?: unknown }; markdown?: { title?: unknown; text?: unknown } };
  try {
    b = JSON.parse(raw) as typeof b;
  } catch {
    return { ok: false };
  }
  if (b.msgtype === 'text' && typeof b.text?.content === 'string') return { ok: true, msgtype: 'text', text: b.text.content };
  if (b.msgtype === 'markdown' && typeof b.markdown?.title === 'string' && typeof b.markdown.text === 'string') return { ok: true, msgtype: 'markdown', title: b.markdown.title, text: b.markdown.text };
  return { ok: false };
}

/** Per-robot rate state: accepted sends in the last minute, and the end of a 10-minute block after 130101. */
export class RobotRate {
  private sent: number[] = [];
  private blockedUntil = 0;

  /** Count a send at `now`: undefined = allowed, else 130101. */
  take(now: number): RobotAnswer | undefined {
    if (now < this.blockedUntil) return TOO_FAST;
    this.sent = this.sent.filter((t) => t > now - ROBOT_RULES.windowMs);
    if (this.sent.length >= ROBOT_RULES.perMinute) {
      this.blockedUntil = now + ROBOT_RULES.throttleMs;
      return TOO_FAST;
    }
    this.sent.push(now);
    return undefined;
  }
}
