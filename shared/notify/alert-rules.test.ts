import { describe, expect, it } from 'vitest';
import { decide, fingerprint, nextEntries, type AlertEntry, type Finding } from './alert-rules';

const H = 3_600_000;
const t0 = new Date('2026-12-01T00:00:00Z');
const at = (h: number): Date => new Date(t0.getTime() + h * H);
const blocked: Finding = { target: 'PersistentVolume/nas-cache', cause: 'recreate blocked', severity: 'warn', summary: 'recreate blocked while Bound', detail: '- server: a\n+ server: b' };

/** Run the rules over `runs` (hour, findings) with delivery `ok`, carrying the state: what each run told. */
function simulate(runs: Array<[number, Finding[]]>, ok = true, remindHours = 24): string[][] {
  let stored: AlertEntry[] = [];
  return runs.map(([h, findings]) => {
    const d = decide({ action: 'reconcile', findings, stored, now: at(h), remindHours });
    const next = nextEntries('reconcile', d, stored, ok, at(h));
    const keep = stored.filter((e) => !next.remove.includes(e.fp) && !next.put.some((p) => p.fp === e.fp));
    stored = [...keep, ...next.put];
    return [...d.tell.map((x) => x.why), ...d.resolved.map(() => 'resolved')];
  });
}

describe('alert rules', () => {
  it('fingerprint = action + target + cause (not the summary or detail)', () => {
    expect(fingerprint('reconcile', blocked)).toBe(fingerprint('reconcile', { ...blocked, summary: 'other words' } as Finding));
    expect(fingerprint('reconcile', blocked)).not.toBe(fingerprint('prewarm', blocked));
    expect(fingerprint('reconcile', blocked)).not.toBe(fingerprint('reconcile', { ...blocked, cause: 'patch failed' }));
  });

  it('first → tell; unchanged → silent until NOTIFY_REMIND_HOURS, then a reminder; cleared → one resolved', () => {
    const runs: Array<[number, Finding[]]> = [...Array.from({ length: 30 }, (_, h) => [h, [blocked]] as [number, Finding[]]), [30, []], [31, []]];
    const told = simulate(runs);
    expect(told.flat()).toEqual(['new', 'reminder', 'resolved']);
    expect(told[0]).toEqual(['new']);
    expect(told[24]).toEqual(['reminder']);
    expect(told[30]).toEqual(['resolved']);
  });

  it('a changed detail (the diff) or severity is told again, its age kept', () => {
    const changed = { ...blocked, detail: '- server: a\n+ server: c' };
    expect(simulate([[0, [blocked]], [1, [blocked]], [2, [changed]], [3, [changed]], [4, [{ ...changed, severity: 'fail' }]]]).flat()).toEqual(['new', 'changed', 'changed']);
  });

  it('undelivered: told again next run; a resolved one stays until its message is delivered', () => {
    expect(simulate([[0, [blocked]], [1, [blocked]], [2, [blocked]]], false).flat()).toEqual(['new', 'new', 'new']);
    let stored: AlertEntry[] = [];
    const d0 = decide({ action: 'reconcile', findings: [blocked], stored, now: at(0), remindHours: 24 });
    stored = nextEntries('reconcile', d0, stored, true, at(0)).put;
    const d1 = decide({ action: 'reconcile', findings: [], stored, now: at(1), remindHours: 24 });
    expect(nextEntries('reconcile', d1, stored, false, at(1)).remove).toEqual([]);
    expect(nextEntries('reconcile', d1, stored, true, at(1)).remove).toEqual([stored[0]!.fp]);
  });

  it('only covered findings resolve, and only those of this action', () => {
    const other = { ...blocked, target: 'demo/other' };
    const stored = nextEntries('prewarm', decide({ action: 'prewarm', findings: [blocked, other], stored: [], now: at(0), remindHours: 24 }), [], true, at(0)).put;
    const d = decide({ action: 'prewarm', findings: [], stored, now: at(1), remindHours: 24, covers: (e) => e.target === other.target });
    expect(d.resolved.map((e) => e.target)).toEqual(['demo/other']);
    expect(decide({ action: 'reconcile', findings: [], stored, now: at(1), remindHours: 24 }).resolved).toEqual([]);
  });
});
