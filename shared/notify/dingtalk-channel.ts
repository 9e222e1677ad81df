import type { Logger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/index';
import type { Channel, ChannelResult } from './channel';
import type { NotifyContent } from './content';
import { DINGTALK_THROTTLE_MS, DINGTALK_THROTTLED, postDingtalk, type PostOutcome } from './dingtalk-post';
import { mergeContents } from './merge-contents';
import { markdownTitle, renderMarkdown } from './render-markdown';

/** Options of dingtalkChannel. */
export interface DingtalkChannelOptions {
  /** `https://oapi.dingtalk.com/robot/send?access_token=…` (DINGTALK_WEBHOOK_URL). */
  webhookUrl: string;
  /** The robot's 加签 secret `SEC…` (DINGTALK_SECRET); absent = a robot secured by keyword or IP list. */
  secret?: string;
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Messages per rolling minute (DingTalk: 20 per robot). */
  perMinute?: number;
  /** Markdown text cap in UTF-8 bytes. DingTalk documents no size for custom robots: 15,000 is UNCONFIRMED. */
  maxBytes?: number;
}

interface Waiting {
  content: NotifyContent;
  done: (r: ChannelResult) => void;
}

const WINDOW_MS = 60_000;

/**
 * A DingTalk custom robot as a channel: markdown messages, signed, judged by `errcode`. The robot takes 20 messages a
 * minute: this instance counts what it sent in the last minute; a message that finds no free slot waits for one, and
 * every message waiting by then goes out as ONE markdown message — queued or batched, never dropped. After 130101
 * (throttled anyway, e.g. by another instance) the robot is refused for ~10 min: sends in that time fail at once with
 * that reason (logged and reported; the notifier tells again next run, a failed backup's task is retried by FC).
 */
export function dingtalkChannel(o: DingtalkChannelOptions): Channel & { sentAt: number[] } {
  const perMinute = o.perMinute ?? 20;
  const sentAt: number[] = [];
  const queue: Waiting[] = [];
  let pumping = false;
  let throttledUntil = 0;
  let throttleDetail = '';

  const now = (): number => o.clock.now().getTime();
  const slotWait = (): number => {
    while (sentAt.length && sentAt[0]! <= now() - WINDOW_MS) sentAt.shift();
    // Never more than a minute, even if the clock stepped back under us.
    return sentAt.length < perMinute ? 0 : Math.min(WINDOW_MS, sentAt[0]! + WINDOW_MS - now());
  };

  async function post(c: NotifyContent): Promise<PostOutcome> {
    if (now() < throttledUntil) return { ok: false, errcode: DINGTALK_THROTTLED, detail: throttleDetail, retryable: false };
    const body = { msgtype: 'markdown', markdown: { title: markdownTitle(c), text: renderMarkdown(c, o.maxBytes ?? 15_000) } };
    const send = () => postDingtalk({ webhookUrl: o.webhookUrl, secret: o.secret, body, clock: o.clock, timeoutMs: o.timeoutMs ?? 10_000, fetch: o.fetch ?? fetch });
    let r = await send();
    // Once more after a network error, 5xx or "busy": better a message twice than none.
    if (!r.ok && r.retryable) {
      await o.clock.sleep(1_000);
      r = await send();
    }
    sentAt.push(now());
    if (!r.ok && r.errcode === DINGTALK_THROTTLED) {
      throttledUntil = now() + DINGTALK_THROTTLE_MS;
      throttleDetail = `${r.detail} (until about ${new Date(throttledUntil).toISOString()})`;
    }
    return r;
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length) {
        const wait = slotWait();
        let batch: Waiting[];
        if (wait > 0) {
          o.log.info('dingtalk: rate limit reached, holding messages', { waitMs: wait, waiting: queue.length, perMinute });
          await o.clock.sleep(wait);
          batch = queue.splice(0); // everything that waited goes as one message
        } else batch = queue.splice(0, 1);
        const r = await post(mergeContents(batch.map((b) => b.content))).catch((e: unknown): PostOutcome => ({ ok: false, detail: `DingTalk message not sent: ${(e as Error).message}`, retryable: false }));
        const result: ChannelResult = r.ok ? { channel: 'dingtalk', ok: true } : { channel: 'dingtalk', ok: false, detail: r.detail };
        if (batch.length > 1) result.batched = batch.length;
        for (const b of batch) b.done(result);
      }
    } finally {
      pumping = false;
    }
  }

  return {
    name: 'dingtalk',
    sentAt,
    send(content) {
      return new Promise<ChannelResult>((done) => {
        queue.push({ content, done });
        void pump();
      });
    },
  };
}
