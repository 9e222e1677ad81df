/**
 * DirectMail SingleSendMail limits (https://www.alibabacloud.com/help/doc-detail/29444.htm): ToAddress ≤100 per call,
 * Subject ≤100 chars, HtmlBody and
 * TextBody "SDK limit 80K" each, FromAlias <15 chars. Bodies are capped in UTF-8 bytes below 80 KiB so either reading
 * of "80K" holds; lengths are counted in UTF-16 units (Java's String length), never splitting a surrogate pair.
 */
export const DM_MAX_RECIPIENTS = 100;
export const DM_MAX_SUBJECT = 100;
export const DM_MAX_BODY_BYTES = 80_000;
export const DM_MAX_FROM_ALIAS = 14;

/** Cut `s` to at most `max` UTF-16 units (ending with `ellipsis` when cut) without splitting a code point. */
export function truncateChars(s: string, max: number, ellipsis = '…'): string {
  if (s.length <= max) return s;
  let out = '';
  for (const cp of s) {
    if (out.length + cp.length + ellipsis.length > max) break;
    out += cp;
  }
  return out + ellipsis;
}

/** Cut `s` to at most `maxBytes` UTF-8 bytes on a code point boundary. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let bytes = 0;
  let out = '';
  for (const cp of s) {
    const n = Buffer.byteLength(cp);
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += cp;
  }
  return out;
}

/** Fit a body under the limit; a cut body ends with `note` (HTML is cut outside any tag or entity). */
export function fitBody(body: string, kind: 'html' | 'text', maxBytes = DM_MAX_BODY_BYTES): { body: string; truncated: boolean } {
  if (Buffer.byteLength(body) <= maxBytes) return { body, truncated: false };
  const total = Buffer.byteLength(body);
  const note =
    kind === 'html'
      ? `\n<p style="color:#9a6700"><em>… message truncated: ${Math.ceil(total / 1024)} KiB exceeds the DirectMail limit; see the function logs for the full report.</em></p>`
      : `\n\n… message truncated: ${Math.ceil(total / 1024)} KiB exceeds the DirectMail limit; see the function logs for the full report.\n`;
  let cut = truncateUtf8(body, maxBytes - Buffer.byteLength(note));
  if (kind === 'html') {
    // Never leave half a tag (`<td sty`) or entity (`&am`) before the note.
    if (cut.lastIndexOf('<') > cut.lastIndexOf('>')) cut = cut.slice(0, cut.lastIndexOf('<'));
    if (cut.lastIndexOf('&') > cut.lastIndexOf(';')) cut = cut.slice(0, cut.lastIndexOf('&'));
  }
  return { body: cut + note, truncated: true };
}

/** Split into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
