import { cell, isWebUrl, pairs, truncateChars } from '#shared/mail/index';
import type { NotifyContent, NotifySection } from './content';
import { buildSubject, subjectHead } from './subject';

/**
 * Block Kit limits (https://api.slack.com/reference/block-kit/blocks): a header's plain_text ≤ 150 characters, a
 * section's text ≤ 3000, at most 50 blocks per message. Over them Slack answers 400 `invalid_blocks`.
 */
export const SLACK_LIMITS = { header: 150, section: 3000, blocks: 50 } as const;

type Block = Record<string, unknown>;

/** mrkdwn escaping: Slack asks for exactly &, < and > to be escaped (https://api.slack.com/reference/surfaces/formatting). */
export const escapeSlack = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const mrkdwn = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: truncateChars(text, SLACK_LIMITS.section) } });

function sectionText(s: NotifySection): string {
  const head = `*${escapeSlack(s.heading)}*`;
  if ('text' in s) return `${head}\n\`\`\`${escapeSlack(s.text).replace(/```/g, "'''")}\`\`\``;
  if ('table' in s) return `${head}\n${s.table.rows.map((r) => `• ${r.map((v, i) => (i === 0 ? escapeSlack(cell(v)) : `${escapeSlack(s.table.columns[i] ?? '')}: ${escapeSlack(cell(v))}`)).join(' · ')}`).join('\n') || '• none'}`;
  return `${head}\n${pairs(s.rows).map(([k, v]) => `• ${escapeSlack(k)}: ${escapeSlack(cell(v))}`).join('\n')}`;
}

/** A text that fits one section: code blocks keep their closing fence when cut. */
function fitSection(text: string): string {
  if (text.length <= SLACK_LIMITS.section) return text;
  const fenced = text.endsWith('```');
  const cut = truncateChars(text, SLACK_LIMITS.section - (fenced ? 4 : 0));
  return fenced ? `${cut}\n\`\`\`` : cut;
}

/**
 * Slack incoming-webhook body: `text` (the subject: notifications and clients without blocks) and `blocks` — a header,
 * the outcome, notes, one section per details block and the links, within Block Kit's limits.
 */
export function renderSlack(c: NotifyContent): { text: string; blocks: Block[] } {
  const line = [c.counts, c.outcome].filter(Boolean).join(' — ');
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncateChars(`${subjectHead(c)} ${c.target}`, SLACK_LIMITS.header), emoji: true } },
    mrkdwn(`*${escapeSlack(c.title)}*\n${escapeSlack(line)}${c.summary ? `\n${escapeSlack(c.summary)}` : ''}`),
  ];
  if (c.notes?.length) blocks.push({ type: 'context', elements: c.notes.slice(0, 10).map((n) => ({ type: 'mrkdwn', text: truncateChars(`*${escapeSlack(n)}*`, 3000) })) });
  const sections = (c.sections ?? []).map((s) => mrkdwn(fitSection(sectionText(s))));
  const links = (c.links ?? []).map((l) => (isWebUrl(l.url) ? `<${l.url}|${escapeSlack(l.label).replace(/\|/g, '¦')}>` : `${escapeSlack(l.label)}: ${escapeSlack(l.url)}`));
  const room = SLACK_LIMITS.blocks - blocks.length - (links.length ? 1 : 0) - (c.footer ? 1 : 0);
  if (sections.length > room) {
    blocks.push(...sections.slice(0, room - 1), mrkdwn(`_${sections.length - room + 1} more section(s) left out: the mail has them all._`));
  } else blocks.push(...sections);
  if (links.length) blocks.push(mrkdwn(fitSection(links.join('  ·  '))));
  if (c.footer) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncateChars(escapeSlack(c.footer), 3000) }] });
  return { text: buildSubject(c), blocks };
}
