import { cell, isWebUrl, pairs, truncateUtf8 } from '#shared/mail/index';
import type { NotifyContent, NotifySection } from './content';
import { buildSubject, subjectHead } from './subject';

/**
 * Escape text for DingTalk's markdown subset so a project name or commit author cannot forge a link or emphasis.
 * Backslash escapes are CommonMark's; whether DingTalk's renderer honours every one is UNCONFIRMED (its docs list
 * headings, quote, bold, italic, links, images and lists only).
 */
export function escapeMd(s: string): string {
  return s.replace(/[\\`*_[\]~<>|]/g, (c) => `\\${c}`).replace(/^([#>+-])/gm, '\\$1');
}

function section(s: NotifySection): string {
  const head = `#### ${escapeMd(s.heading)}`;
  if ('text' in s) return `${head}\n\n${s.text.split('\n').map((l) => `> ${escapeMd(l) || ' '}  `).join('\n')}`;
  if ('table' in s) {
    const cols = s.table.columns;
    const rows = s.table.rows.map((r) => `- ${r.map((v, i) => (i === 0 ? `**${escapeMd(cell(v))}**` : `${escapeMd(cols[i] ?? '')}: ${escapeMd(cell(v))}`)).join(' · ')}`);
    return `${head}\n\n${rows.join('\n') || '- none'}`;
  }
  return `${head}\n\n${pairs(s.rows).map(([k, v]) => `- **${escapeMd(k)}**: ${escapeMd(cell(v))}`).join('\n')}`;
}

/**
 * The content as markdown (DingTalk's subset: headings, bold, links, lists, quotes — no tables, so tables become
 * lists). `maxBytes` cuts the text with a visible note. Links render only for http(s) URLs.
 */
export function renderMarkdown(c: NotifyContent, maxBytes: number): string {
  const line = [c.counts, c.outcome].filter(Boolean).join(' — ');
  const parts = [
    `### ${escapeMd(subjectHead(c))} ${escapeMd(c.target)}`,
    `**${escapeMd(c.title)}**`,
    escapeMd(line),
    ...(c.summary ? [escapeMd(c.summary)] : []),
    ...(c.notes ?? []).map((n) => `> **${escapeMd(n)}**`),
    ...(c.sections ?? []).map(section),
    ...(c.links?.length ? [`#### Links\n\n${c.links.map((l) => (isWebUrl(l.url) ? `- [${escapeMd(l.label)}](${l.url.replace(/\)/g, '%29')})` : `- ${escapeMd(l.label)}: ${escapeMd(l.url)}`)).join('\n')}`] : []),
    ...(c.footer ? [c.footer.split('\n').map((l) => `*${escapeMd(l)}*`).join('  \n')] : []),
  ];
  const text = parts.join('\n\n');
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const note = `\n\n> **… message truncated (${Math.ceil(Buffer.byteLength(text) / 1024)} KiB); the mail and the function logs have it all.**`;
  return truncateUtf8(text, maxBytes - Buffer.byteLength(note)) + note;
}

/** DingTalk's `markdown.title` (the chat-list preview): the subject. */
export const markdownTitle = (c: NotifyContent): string => buildSubject(c);
