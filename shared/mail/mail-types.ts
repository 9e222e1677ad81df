/** Outcome colour of a report mail; `resolved` = a condition told before has cleared. */
export type MailStatus = 'ok' | 'warn' | 'fail' | 'resolved';

/** A cell value: rendered with String(); null/undefined as an em dash. */
export type MailValue = string | number | boolean | null | undefined;

/** One block of a report: key/value rows, free text, or a table. */
export type MailSection =
  | { heading: string; rows: ReadonlyArray<readonly [string, MailValue]> | Record<string, MailValue> }
  | { heading: string; text: string }
  | { heading: string; table: { columns: string[]; rows: MailValue[][] } };

/** Input of `renderMail`. */
export interface MailReport {
  /** e.g. "Backup verified 2026-11-28". */
  title: string;
  status: MailStatus;
  /** One line, e.g. "3 backups, 41 GiB"; also ends the subject. */
  summary: string;
  sections?: MailSection[];
  /** Short lines shown under the summary (DRY RUN, reminder, "alert state unavailable"). */
  notes?: string[];
  /** Where to look next (GitLab commit, runbook): only http(s) URLs become links. */
  links?: ReadonlyArray<{ label: string; url: string }>;
  footer?: string;
}

/** A rendered mail, ready for `Mailer.send`. */
export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export const STATUS_ICON: Record<MailStatus, string> = { ok: '✅', warn: '⚠️', fail: '❌', resolved: '☑️' };
export const STATUS_COLOUR: Record<MailStatus, string> = { ok: '#1a7f37', warn: '#9a6700', fail: '#cf222e', resolved: '#0969da' };
export const STATUS_LABEL: Record<MailStatus, string> = { ok: 'OK', warn: 'WARNING', fail: 'FAILED', resolved: 'RESOLVED' };

/** True for an absolute http(s) URL: anything else (javascript:, data:) is shown as text, never as a link. */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s"'<>]+$/i.test(url);
}

/** `em dash` for empty values, String() otherwise. */
export function cell(v: MailValue): string {
  return v === null || v === undefined || v === '' ? '—' : String(v);
}

/** Rows of a key/value section as pairs, whichever form was given. */
export function pairs(rows: ReadonlyArray<readonly [string, MailValue]> | Record<string, MailValue>): ReadonlyArray<readonly [string, MailValue]> {
  return isPairs(rows) ? rows : Object.entries(rows);
}

function isPairs(rows: ReadonlyArray<readonly [string, MailValue]> | Record<string, MailValue>): rows is ReadonlyArray<readonly [string, MailValue]> {
  return Array.isArray(rows);
}
