import { cell, pairs, STATUS_ICON, STATUS_LABEL, type MailReport, type MailSection, type MailValue } from './mail-types';

/** Columns padded to their widest cell (code points), for clients that show the plain-text part. */
function columns(rows: MailValue[][]): string[] {
  const cells = rows.map((r) => r.map(cell));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length))).join('  ').trimEnd());
}

function section(s: MailSection): string {
  const head = `${s.heading}\n${'-'.repeat(Math.max(3, [...s.heading].length))}`;
  if ('text' in s) return `${head}\n${s.text}`;
  if ('table' in s) {
    const [h, ...body] = columns([s.table.columns, ...s.table.rows]);
    return `${head}\n${h}\n${'-'.repeat([...h!].length)}\n${body.join('\n')}`;
  }
  const ps = pairs(s.rows);
  const w = Math.max(0, ...ps.map(([k]) => [...k].length));
  return `${head}\n${ps.map(([k, v]) => `${k}:${' '.repeat(w - [...k].length + 1)}${cell(v)}`).join('\n')}`;
}

/** The plain-text twin of the HTML body: same content, readable in a terminal or a text-only client. */
export function renderMailText(r: MailReport): string {
  const top = `${STATUS_ICON[r.status]} ${STATUS_LABEL[r.status]} — ${r.title}`;
  const links = r.links?.length ? [section({ heading: 'Links', text: r.links.map((l) => `${l.label}: ${l.url}`).join('\n') }), ''] : [];
  return [top, '='.repeat(Math.min(72, [...top].length)), r.summary, ...(r.notes ?? []), '', ...(r.sections ?? []).flatMap((s) => [section(s), '']), ...links, ...(r.footer ? ['--', r.footer] : [])]
    .join('\n')
    .trimEnd() + '\n';
}
