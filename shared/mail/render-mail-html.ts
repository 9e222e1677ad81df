import { escapeHtml as e } from './escape-html';
import { cell, isWebUrl, pairs, STATUS_COLOUR, STATUS_ICON, STATUS_LABEL, type MailReport, type MailSection } from './mail-types';

// Inline styles only: most mail clients drop <style> blocks.
const TD = 'padding:4px 10px;border-bottom:1px solid #eaeef2;vertical-align:top;text-align:left';
const TH = `${TD};background:#f6f8fa;font-weight:600`;

function section(s: MailSection): string {
  const head = `<h3 style="margin:20px 0 6px;font-size:15px">${e(s.heading)}</h3>`;
  if ('text' in s) return `${head}<div style="white-space:pre-wrap;font-family:ui-monospace,Menlo,monospace;font-size:12px;background:#f6f8fa;padding:8px">${e(s.text)}</div>`;
  if ('table' in s) {
    const th = s.table.columns.map((c) => `<th style="${TH}">${e(c)}</th>`).join('');
    const trs = s.table.rows.map((r) => `<tr>${r.map((v) => `<td style="${TD}">${e(cell(v))}</td>`).join('')}</tr>`).join('');
    return `${head}<table style="border-collapse:collapse;font-size:13px"><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
  }
  const trs = pairs(s.rows)
    .map(([k, v]) => `<tr><th style="${TH}">${e(k)}</th><td style="${TD}">${e(cell(v))}</td></tr>`)
    .join('');
  return `${head}<table style="border-collapse:collapse;font-size:13px">${trs}</table>`;
}

function link(l: { label: string; url: string }): string {
  return isWebUrl(l.url) ? `<li><a href="${e(l.url)}">${e(l.label)}</a></li>` : `<li>${e(l.label)}: ${e(l.url)}</li>`;
}

/** The HTML body: status banner in the status colour, summary, sections, footer. Every text is escaped. */
export function renderMailHtml(r: MailReport): string {
  const colour = STATUS_COLOUR[r.status];
  return [
    '<!doctype html><html><head><meta charset="utf-8"></head>',
    '<body style="margin:0;padding:16px;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328">',
    `<div style="border-left:6px solid ${colour};padding:8px 14px;background:#f6f8fa">`,
    `<div style="font-size:12px;font-weight:700;color:${colour}">${STATUS_ICON[r.status]} ${STATUS_LABEL[r.status]}</div>`,
    `<h2 style="margin:4px 0;font-size:18px">${e(r.title)}</h2>`,
    `<p style="margin:0;font-size:14px">${e(r.summary)}</p>`,
    ...(r.notes ?? []).map((n) => `<p style="margin:6px 0 0;font-size:13px;font-weight:600">${e(n)}</p>`),
    '</div>',
    ...(r.sections ?? []).map(section),
    r.links?.length ? `<h3 style="margin:20px 0 6px;font-size:15px">Links</h3><ul style="margin:0;padding-left:20px;font-size:13px">${r.links.map(link).join('')}</ul>` : '',
    r.footer ? `<p style="margin-top:24px;font-size:12px;color:#59636e">${e(r.footer)}</p>` : '',
    '</body></html>',
  ].join('\n');
}
