import { scrub } from '#shared/log/index';
import type { Clock } from '#shared/runtime/index';
import { signedUrl } from './dingtalk-sign';

/** errcode 130101: over 20 messages a minute; the robot is then refused for about 10 minutes (DingTalk's docs). */
export const DINGTALK_THROTTLED = 130101;
/** How long DingTalk keeps refusing a robot after 130101. */
export const DINGTALK_THROTTLE_MS = 10 * 60_000;

/** One POST's outcome: `errcode` 0 = delivered. */
export type PostOutcome = { ok: true } | { ok: false; errcode?: number; detail: string; retryable: boolean };

/** What to do per errcode. Only 310000 and 130101 are observed answers (see the ADR); the rest say what came back. */
function explain(errcode: number, errmsg: string): string {
  const said = `errcode ${errcode}: ${errmsg}`;
  if (errcode === 310000) return `DingTalk refused the message (${said}): the signature, timestamp, keyword or IP allow-list did not match — check DINGTALK_SECRET (the robot's 加签 secret, SEC…) and the function's clock`;
  if (errcode === DINGTALK_THROTTLED) return `DingTalk throttled the robot (${said}): more than 20 messages in a minute; it refuses messages for about 10 minutes`;
  // 300001 "token is not exist" is widely reported for a wrong access_token; UNCONFIRMED in DingTalk's own docs.
  if (errcode === 300001) return `DingTalk does not know this robot (${said}): check the access_token in DINGTALK_WEBHOOK_URL`;
  return `DingTalk refused the message (${said})`;
}

/**
 * POST one markdown message to a custom robot (signed when `secret` is set) and judge the answer by `errcode`, never
 * `errmsg` (DingTalk answers HTTP 200 with `{"errcode":0,"errmsg":"ok"}`). Network errors, HTTP 5xx and errcode -1
 * ("system busy", UNCONFIRMED) are retryable: the message may not have arrived. Details never hold the URL or secret.
 */
export async function postDingtalk(o: {
  webhookUrl: string;
  secret?: string;
  body: unknown;
  clock: Clock;
  timeoutMs: number;
  fetch: typeof fetch;
}): Promise<PostOutcome> {
  const url = signedUrl(o.webhookUrl, o.secret, o.clock.now().getTime());
  let res: Response;
  try {
    res = await o.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(o.body), signal: AbortSignal.timeout(o.timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { ok: false, detail: scrub(`DingTalk did not answer: ${(e as Error).name === 'TimeoutError' ? `no answer in ${o.timeoutMs} ms` : (cause ?? (e as Error).message)}`), retryable: true };
  }
  const text = await res.text();
  if (!res.ok) return { ok: false, detail: scrub(`DingTalk answered HTTP ${res.status}`), retryable: res.status >= 500 || res.status === 429 };
  let answer: { errcode?: unknown; errmsg?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    return { ok: false, detail: 'DingTalk answered with something that is not JSON', retryable: true };
  }
  const errcode = Number(answer.errcode);
  if (errcode === 0) return { ok: true };
  if (!Number.isFinite(errcode)) return { ok: false, detail: 'DingTalk answered without an errcode', retryable: false };
  return { ok: false, errcode, detail: scrub(explain(errcode, String(answer.errmsg ?? ''))), retryable: errcode === -1 };
}
