import type { ServerResponse } from 'node:http';
import { Faults } from '#local/sandbox/faults';
import { listen, readBody, type Listening } from '#local/sandbox/http-util';
import { sendOutbox } from '#local/sandbox/outbox-page';

/** One accepted message. */
export interface SlackMessage {
  at: string;
  hook: string;
  text?: string;
  blocks?: unknown[];
}

export interface SlackEmulator extends Listening {
  outbox: SlackMessage[];
  faults: Faults;
  /** Archive (or unarchive) a hook's channel: posts then get 410 `channel_is_archived`. */
  archive(path: string, archived: boolean): void;
}

/** Slack answers in plain text (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks). */
function plain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/**
 * Block Kit rules the emulator enforces (https://api.slack.com/reference/block-kit/blocks): ≤ 50 blocks, a header's
 * plain_text ≤ 150 characters, a section's text ≤ 3000 and ≤ 10 context elements. Over them Slack answers 400
 * `invalid_blocks` (reported for incoming webhooks, e.g. sourcegraph/sourcegraph-public-snapshot#49979).
 */
export function blocksValid(blocks: unknown): boolean {
  if (!Array.isArray(blocks) || blocks.length > 50) return false;
  return blocks.every((b: { type?: unknown; text?: { type?: unknown; text?: unknown }; elements?: unknown[] }) => {
    if (b.type === 'header') return b.text?.type === 'plain_text' && typeof b.text.text === 'string' && b.text.text.length <= 150;
    if (b.type === 'section') return (b.text?.type === 'mrkdwn' || b.text?.type === 'plain_text') && typeof b.text.text === 'string' && b.text.text.length <= 3000;
    if (b.type === 'context') return Array.isArray(b.elements) && b.elements.length > 0 && b.elements.length <= 10;
    return b.type === 'divider';
  });
}

/**
 * A Slack incoming webhook on loopback: `POST /services/T…/B…/…` → 200 `ok`, or Slack's plain-text errors —
 * 400 `invalid_payload` (not JSON), `no_text` (neither text nor blocks; UNCONFIRMED name), `invalid_blocks`,
 * 404 `no_service` (unknown hook; UNCONFIRMED name), 410 `channel_is_archived`. Outbox at `/outbox`, `/outbox.json`.
 * @example const sl = await startSlackEmulator({ hooks: ['/services/T0/B0/xyz'] });
 */
export async function startSlackEmulator(o: { hooks: string[]; port?: number }): Promise<SlackEmulator> {
  const hooks = new Set(o.hooks);
  const archived = new Set<string>();
  const outbox: SlackMessage[] = [];
  const faults = new Faults();
  const server = await listen(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && (path === '/outbox' || path === '/outbox.json')) {
      return sendOutbox(res, path.endsWith('.json'), 'Slack webhook', { messages: [...outbox].reverse() }, outbox.map((m) => ({ title: m.text ?? '(blocks only)', meta: `${m.at} · ${m.blocks?.length ?? 0} block(s)`, body: JSON.stringify(m.blocks ?? [], null, 1) })));
    }
    if (await faults.apply(req, res, path)) return;
    if (req.method !== 'POST' || !hooks.has(path)) return plain(res, 404, 'no_service');
    if (archived.has(path)) return plain(res, 410, 'channel_is_archived');
    let body: { text?: unknown; blocks?: unknown };
    try {
      body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8')) as typeof body;
    } catch {
      return plain(res, 400, 'invalid_payload');
    }
    if (typeof body !== 'object' || body === null) return plain(res, 400, 'invalid_payload');
    if (typeof body.text !== 'string' && body.blocks === undefined) return plain(res, 400, 'no_text');
    if (body.blocks !== undefined && !blocksValid(body.blocks)) return plain(res, 400, 'invalid_blocks');
    outbox.push({ at: new Date().toISOString(), hook: path, ...(typeof body.text === 'string' ? { text: body.text } : {}), ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}) });
    plain(res, 200, 'ok');
  });
  return {
    ...server,
    outbox,
    faults,
    archive(path, on) {
      if (on) archived.add(path);
      else archived.delete(path);
    },
  };
}
