import type { ServerResponse } from 'node:http';
import { sendJson } from '#local/sandbox/http-util';
import type { DmMail } from './dm-product';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `GET /outbox.json`: the mails, newest first. */
export function sendOutboxJson(res: ServerResponse, outbox: DmMail[]): void {
  sendJson(res, 200, { mails: [...outbox].reverse() });
}

/**
 * `GET /outbox`: a page listing the mails, newest first. HtmlBody is shown in a sandboxed iframe (no scripts, no
 * same-origin), everything else escaped.
 */
export function sendOutboxHtml(res: ServerResponse, outbox: DmMail[]): void {
  const items = [...outbox]
    .reverse()
    .map(
      (m) => `<article>
<h2>${esc(m.subject)}</h2>
<p class="meta">${esc(m.sentAt)} · EnvId ${esc(m.envId)} · from ${esc(m.fromAlias ? `${m.fromAlias} <${m.accountName}>` : m.accountName)} · to ${esc(m.to.join(', '))}</p>
${m.htmlBody !== undefined ? `<iframe sandbox="" srcdoc="${esc(m.htmlBody)}" title="${esc(m.subject)}"></iframe>` : ''}
${m.textBody !== undefined ? `<pre>${esc(m.textBody)}</pre>` : ''}
</article>`,
    )
    .join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>DirectMail outbox (${outbox.length})</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}article{border-bottom:1px solid #ddd;padding:1rem 0}
.meta{color:#666;font-size:.9em}iframe{width:100%;height:24rem;border:1px solid #ccc}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}</style>
</head><body><h1>DirectMail outbox — ${outbox.length} mail(s)</h1>${items || '<p>No mail sent yet.</p>'}</body></html>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(html)) });
  res.end(html);
}
