import type { Config } from '#shared/config/index';
import { registerSecret, type Logger } from '#shared/log/index';
import { createMailPort } from '#shared/mail/index';
import type { CloudCredentials } from '#shared/runtime/index';
import { systemClock, type Clock } from '#shared/runtime/index';
import type { Channel } from './channel';
import { dingtalkChannel } from './dingtalk-channel';
import { mailChannel } from './mail-channel';
import { slackChannel } from './slack-channel';

/** The parts of a webhook URL that act as credentials: DingTalk's access_token, Slack's `/services/T…/B…/…` path. */
function registerUrlSecrets(url: string): void {
  registerSecret(url);
  try {
    const u = new URL(url);
    registerSecret(u.searchParams.get('access_token'));
    registerSecret(u.pathname.split('/').filter(Boolean).at(-1));
  } catch {
    return; // the config schema already rejected a malformed URL
  }
}

/**
 * The configured channels, built once per warm instance (the DingTalk channel keeps its rate-limit window across
 * invocations): DirectMail always (it reports `skipped` when mail is off or not configured), DingTalk when
 * DINGTALK_WEBHOOK_URL is set, Slack when SLACK_WEBHOOK_URL is set.
 */
export function createChannels(deps: { config: Config; log: Logger; credentials: () => CloudCredentials | undefined; clock?: Clock }): Channel[] {
  const e = deps.config.env;
  const clock = deps.clock ?? systemClock;
  const log = deps.log.child({ port: 'notify' });
  const channels: Channel[] = [mailChannel(createMailPort(deps))];
  if (e.DINGTALK_WEBHOOK_URL) {
    registerUrlSecrets(e.DINGTALK_WEBHOOK_URL);
    channels.push(dingtalkChannel({ webhookUrl: e.DINGTALK_WEBHOOK_URL, ...(e.DINGTALK_SECRET ? { secret: e.DINGTALK_SECRET } : {}), clock, log }));
  } else if (e.DINGTALK_SECRET) log.warn('DINGTALK_SECRET is set but DINGTALK_WEBHOOK_URL is not: DingTalk is off');
  if (e.SLACK_WEBHOOK_URL) {
    registerUrlSecrets(e.SLACK_WEBHOOK_URL);
    channels.push(slackChannel({ webhookUrl: e.SLACK_WEBHOOK_URL, clock }));
  }
  return channels;
}
