import type { ServerResponse } from 'node:http';
import { sendJson } from './http-util';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A chat emulator's outbox (DingTalk robot, Slack webhook): `json` → `data` as JSON; otherwise a page listing
 * `items` newest first, every value escaped, bodies as preformatted text (what the chat would render from them).
 */
export function sendOutbox(res: ServerResponse, json: boolean, what: string, data: unknown, items: Array<{ title: string; meta: string; body: string }>): void {
  if (json) return sendJson(res, 200, data);
  const list = [...items]
    .reverse()
    .map((m) => `<article><h2>${esc(m.title)}</h2><p class="meta">${esc(m.meta)}</p><pre>${esc(m.body)}</pre></article>`)
    .join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(what)} outbox (${items.length})</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}article{border-bottom:1px solid #ddd;padding:1rem 0}
.meta{color:#666;font-size:.9em}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}</style>
</head><body><h1>${esc(what)} outbox — ${items.length} message(s)</h1>${list || '<p>No message sent yet.</p>'}</body></html>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(html)) });
  res.end(html);
}
