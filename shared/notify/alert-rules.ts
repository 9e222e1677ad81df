import { createHash } from 'node:crypto';

/** A condition an action found this run (a blocked PV, a breached RPO, a project whose CI does not parse). */
export interface Finding {
  /** What it is about: `PersistentVolume/nas-cache`, `demo/java-demo`, `oss://bucket/prefix`. */
  target: string;
  /** Why, stable across runs: `recreate blocked`, `rpo breached`, `discovery failed` (no counts, no times). */
  cause: string;
  severity: 'warn' | 'fail';
  /** One line for messages and `ops status`. */
  summary: string;
  /** What makes it "changed" (the diff, the newest backup); default: the summary. Never a clock-derived value. */
  detail?: string;
}

/** A finding as the alert state keeps it. */
export interface AlertEntry {
  /** Fingerprint: action + target + cause. */
  fp: string;
  action: string;
  target: string;
  cause: string;
  severity: 'warn' | 'fail';
  summary: string;
  /** Digest of severity + detail when last told (or first seen, if never told). */
  digest: string;
  firstSeen: string;
  lastSeen: string;
  /** When a message about it was last delivered; absent = never delivered (tell at the next chance). */
  lastTold?: string;
  told: number;
}

/** Why a finding is told now. */
export type TellWhy = 'new' | 'changed' | 'reminder';

export type CurrentFinding = Finding & { fp: string; digest: string };

/** What the rules decided for one run. */
export interface Decision {
  tell: Array<{ finding: CurrentFinding; why: TellWhy; since?: string }>;
  /** Unchanged and not due for a reminder: silent. */
  quiet: CurrentFinding[];
  /** Told before, covered by this run, not found again: one "resolved" message. */
  resolved: AlertEntry[];
}

const hash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** Stable id of a finding: action + target + cause. */
export const fingerprint = (action: string, f: Pick<Finding, 'target' | 'cause'>): string => hash(`${action}\0${f.target}\0${f.cause}`);

const digestOf = (f: Finding): string => hash(`${f.severity}\0${f.detail ?? f.summary}`);

/**
 * The alert rules (pure): first occurrence → tell; unchanged → silent until `remindHours` after it was last told,
 * then a reminder; changed (severity or detail) → tell; gone (and covered by this run) → resolved. A finding never
 * delivered is told again at the next run.
 * @example decide({ action: 'reconcile', findings, stored, now, remindHours: 24 })
 */
export function decide(i: {
  action: string;
  findings: readonly Finding[];
  stored: readonly AlertEntry[];
  now: Date;
  remindHours: number;
  /** Which stored findings of this action the run re-checked (default: all); only those can resolve. */
  covers?: (e: AlertEntry) => boolean;
}): Decision {
  const byFp = new Map(i.stored.filter((e) => e.action === i.action).map((e) => [e.fp, e]));
  const current = new Map<string, CurrentFinding>();
  for (const f of i.findings) {
    const fp = fingerprint(i.action, f);
    if (!current.has(fp)) current.set(fp, { ...f, fp, digest: digestOf(f) });
  }
  const d: Decision = { tell: [], quiet: [], resolved: [] };
  for (const f of current.values()) {
    const e = byFp.get(f.fp);
    if (!e || !e.lastTold) d.tell.push({ finding: f, why: 'new', ...(e ? { since: e.firstSeen } : {}) });
    else if (e.digest !== f.digest) d.tell.push({ finding: f, why: 'changed', since: e.firstSeen });
    else if (i.now.getTime() - Date.parse(e.lastTold) >= i.remindHours * 3_600_000) d.tell.push({ finding: f, why: 'reminder', since: e.firstSeen });
    else d.quiet.push(f);
  }
  for (const e of byFp.values()) if (!current.has(e.fp) && (i.covers?.(e) ?? true)) d.resolved.push(e);
  return d;
}

/**
 * The state after the run: told findings are marked told only when the message was `delivered` (else they are told
 * again next run); resolved ones are removed only when delivered (else "resolved" is sent again next run).
 */
export function nextEntries(action: string, d: Decision, stored: readonly AlertEntry[], delivered: boolean, now: Date): { put: AlertEntry[]; remove: string[] } {
  const at = now.toISOString();
  const old = new Map(stored.map((e) => [e.fp, e]));
  const entry = (f: CurrentFinding, told: boolean): AlertEntry => {
    const e = old.get(f.fp);
    return {
      fp: f.fp, action, target: f.target, cause: f.cause, severity: f.severity, summary: f.summary,
      digest: told ? f.digest : (e?.digest ?? f.digest),
      firstSeen: e?.firstSeen ?? at,
      lastSeen: at,
      ...(told ? { lastTold: at } : e?.lastTold ? { lastTold: e.lastTold } : {}),
      told: (e?.told ?? 0) + (told ? 1 : 0),
    };
  };
  return {
    put: [...d.tell.map((t) => entry(t.finding, delivered)), ...d.quiet.map((f) => entry(f, false))],
    remove: delivered ? d.resolved.map((e) => e.fp) : [],
  };
}
