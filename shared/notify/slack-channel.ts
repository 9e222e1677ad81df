import { scrub } from '#shared/log/index';
import type { Clock } from '#shared/runtime/index';
import type { Channel } from './channel';
import { renderSlack } from './render-slack';

/** What to do about Slack's plain-text answers (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks). */
function explain(status: number, body: string): string {
  const said = `HTTP ${status} ${body.slice(0, 80)}`;
  if (body === 'channel_not_found' || body === 'channel_is_archived') return `Slack refused the message (${said}): the webhook's channel is gone or archived — create a new incoming webhook and set SLACK_WEBHOOK_URL`;
  if (body === 'action_prohibited') return `Slack refused the message (${said}): an admin restricted posting to that channel`;
  if (body === 'invalid_token' || body === 'no_service' || body === 'no_team' || status === 404) return `Slack does not know this webhook (${said}): it was revoked or mistyped — set SLACK_WEBHOOK_URL`;
  return `Slack refused the message (${said})`;
}

/**
 * A Slack incoming webhook as a channel: `{text, blocks}` by POST; 200 `ok` means delivered, anything else is the
 * plain-text error Slack answers. One retry after a network error or 5xx (the message may not have arrived).
 */
export function slackChannel(o: { webhookUrl: string; clock: Clock; fetch?: typeof fetch; timeoutMs?: number }): Channel {
  const f = o.fetch ?? fetch;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const once = async (body: string): Promise<{ ok: boolean; detail?: string; retry?: boolean }> => {
    try {
      const res = await f(o.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body, signal: AbortSignal.timeout(timeoutMs) });
      const text = (await res.text()).trim();
      if (res.ok) return { ok: true };
      return { ok: false, detail: scrub(explain(res.status, text)), retry: res.status >= 500 || res.status === 429 };
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return { ok: false, detail: scrub(`Slack did not answer: ${(e as Error).name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : (cause ?? (e as Error).message)}`), retry: true };
    }
  };
  return {
    name: 'slack',
    async send(c) {
      const body = JSON.stringify(renderSlack(c));
      let r = await once(body);
      if (!r.ok && r.retry) {
        await o.clock.sleep(1_000);
        r = await once(body);
      }
      return r.ok ? { channel: 'slack', ok: true } : { channel: 'slack', ok: false, detail: r.detail ?? 'Slack refused the message' };
    },
  };
}
