import { toAppError } from '#shared/errors/index';
import { redact, type Logger } from '#shared/log/index';
import type { NotifyContent } from './content';

/** What one channel did with one message. */
export interface ChannelResult {
  channel: string;
  /** Delivered (the service accepted it). */
  ok: boolean;
  /** Not configured (e.g. MAIL_ENABLED=false): neither delivered nor failed. */
  skipped?: string;
  /** The error, in words (secret-free), when `ok` is false. */
  detail?: string;
  /** The service's id of the message (DirectMail EnvIds). */
  ids?: string[];
  /** Several queued messages went out as one (DingTalk batching under its rate limit). */
  batched?: number;
}

/** A place messages go (DirectMail, a DingTalk robot, a Slack webhook). `send` resolves; it never throws. */
export interface Channel {
  name: string;
  send(c: NotifyContent): Promise<ChannelResult>;
}

/** The outcome of one message over every channel. */
export interface Delivery {
  results: ChannelResult[];
  /** At least one channel accepted it. */
  delivered: boolean;
  /** At least one channel is configured and every configured one failed. */
  allFailed: boolean;
}

/**
 * Send `c` on every channel at once. A failing channel is logged and reported; it never stops the others.
 * With no configured channel the message is neither delivered nor failed (logged as skipped). Registered secrets
 * are scrubbed from every text first, whatever the channel.
 */
export async function deliver(channels: readonly Channel[], content: NotifyContent, log: Logger): Promise<Delivery> {
  const c = redact(content) as NotifyContent;
  const results = await Promise.all(
    channels.map(async (ch): Promise<ChannelResult> => {
      try {
        return await ch.send(c);
      } catch (e) {
        // A channel should not throw; if one does, it is a failure of that channel only.
        return { channel: ch.name, ok: false, detail: toAppError(e).message };
      }
    }),
  );
  for (const r of results) if (!r.ok && !r.skipped) log.error('notify channel failed', { channel: r.channel, detail: r.detail, action: c.action });
  const configured = results.filter((r) => !r.skipped);
  const delivered = configured.some((r) => r.ok);
  if (!configured.length) log.info('notify skipped: no channel configured', { action: c.action, skipped: results.map((r) => `${r.channel}: ${r.skipped}`) });
  else log.info('notify sent', { action: c.action, severity: c.severity, channels: results.map((r) => `${r.channel}=${r.ok ? 'ok' : r.skipped ? 'skipped' : 'failed'}`) });
  return { results, delivered, allFailed: configured.length > 0 && !delivered };
}
