import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRetention, type RetentionBackup } from './plan-retention';

const NOW = new Date('2026-11-27T18:00:00Z');
const DAY = 86_400_000;
const b = (name: string, daysAgo: number, verified: boolean, label?: string): RetentionBackup => ({ name, time: new Date(NOW.getTime() - daysAgo * DAY), verified, ...(label ? { label } : {}) });

const history = fc
  .uniqueArray(fc.record({ age: fc.integer({ min: 0, max: 60 * 24 }), verified: fc.boolean(), labelled: fc.boolean() }), { selector: (r) => r.age, maxLength: 40 })
  .map((rs) => rs.map((r) => ({ name: `n${String(r.age).padStart(5, '0')}`, time: new Date(NOW.getTime() - r.age * 3_600_000), verified: r.verified, ...(r.labelled ? { label: 'pre-upgrade' } : {}) })));
const options = fc.record({ keepMin: fc.integer({ min: 1, max: 6 }), keepDays: fc.integer({ min: 0, max: 30 }), keepLabelled: fc.boolean() });

describe('planRetention', () => {
  it('keeps the K newest verified, labelled verified, the young, and leftovers newer than the newest verified', () => {
    const p = planRetention(
      [b('old-v', 30, true), b('old-label', 40, true, 'pre-upgrade'), b('mid-v', 12, true), b('new-v', 9, true), b('new-u', 8, false), b('young-u', 1, false), b('ancient-u', 40, false)],
      { keepMin: 2, keepDays: 7, keepLabelled: true, now: NOW },
    );
    expect(p.keep.sort()).toEqual(['mid-v', 'new-u', 'new-v', 'old-label', 'young-u']);
    expect(p.delete.sort()).toEqual(['ancient-u', 'old-v']);
    expect(p.reasons['new-u']).toMatch(/^keep: failed run \(unverified\), no newer verified backup yet; removed by the first backup verified after /);
    expect(p.reasons['old-label']).toMatch(/labelled "pre-upgrade"/);
    expect(p.reasons['ancient-u']).toMatch(/^delete: failed run \(unverified\), older than the newest verified backup and past BACKUP_KEEP_DAYS 7/);
  });

  it('a failed run\'s leftover says what keeps it and when it goes, never "younger than N days" as if it were a backup', () => {
    const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
    const days7 = planRetention([b('v', 0.5, true), b('u', 2, false), b('u-new', 0.25, false)], { keepMin: 3, keepDays: 7, keepLabelled: true, now: NOW }).reasons;
    expect(days7['u']).toBe(`keep: failed run (unverified), in BACKUP_KEEP_DAYS 7 until ${at(2 - 7)}; removed by the first backup verified after that`);
    expect(days7['u-new']).toBe(`keep: failed run (unverified), no newer verified backup yet; removed by the first backup verified after ${at(0.25 - 7)} (BACKUP_KEEP_DAYS 7)`);
    const grace = planRetention([b('v', 0.1, true), b('u', 0.5, false), b('u-new', 0.05, false), b('u-old', 2, false)], { keepMin: 3, keepDays: 0, keepLabelled: true, now: NOW }).reasons;
    expect(grace['u']).toBe(`keep: failed run (unverified), in the 24 h grace until ${at(0.5 - 1)}; removed by the first backup verified after that`);
    expect(grace['u-new']).toBe(`keep: failed run (unverified), no newer verified backup yet; removed by the first backup verified after ${at(0.05 - 1)} (the 24 h grace)`);
    expect(planRetention([b('v', 0.1, true), b('u-edge', 1, false)], { keepMin: 3, keepDays: 0, keepLabelled: true, now: NOW }).delete, 'exactly 24 h old: past the grace').toEqual(['u-edge']);
    expect(grace['u-old']).toBe(`delete: failed run (unverified), older than the newest verified backup and past the 24 h grace (${at(2 - 1)})`);
  });

  it('property: a leftover goes exactly when it is older than the newest verified and past max(grace, BACKUP_KEEP_DAYS)', () => {
    fc.assert(fc.property(history, options, (h, o) => {
      const p = planRetention(h, { ...o, now: NOW });
      const newestVerified = Math.max(-Infinity, ...h.filter((x) => x.verified).map((x) => x.time.getTime()));
      for (const x of h.filter((y) => !y.verified)) {
        const gone = x.time.getTime() < newestVerified && NOW.getTime() - x.time.getTime() >= Math.max(DAY, o.keepDays * DAY);
        expect(p.delete.includes(x.name), x.name).toBe(gone);
        expect(p.reasons[x.name]).toMatch(gone ? /^delete: failed run/ : /^keep: failed run/);
      }
    }));
  });

  it('an unverified backup never counts toward K, and without any verified backup no leftover is deleted', () => {
    const o = { keepMin: 2, keepDays: 0, keepLabelled: true, now: NOW };
    const p = planRetention([b('u1', 1, false), b('u2', 2, false), b('v3', 3, true), b('v4', 4, true), b('v5', 5, true)], o);
    expect(p.keep.sort()).toEqual(['u1', 'u2', 'v3', 'v4']);
    expect(planRetention([b('u1', 10, false), b('u2', 20, false)], o).delete).toEqual([]);
  });

  it('a leftover older than the newest verified stays for the grace period', () => {
    const p = planRetention([b('v', 0.1, true), b('u', 0.5, false), b('u-old', 2, false)], { keepMin: 1, keepDays: 0, keepLabelled: true, now: NOW });
    expect(p.keep.sort()).toEqual(['u', 'v']);
    expect(p.delete).toEqual(['u-old']);
  });

  it('property: never fewer than min(K, verified) verified kept; labelled verified kept while BACKUP_KEEP_LABELLED', () => {
    fc.assert(fc.property(history, options, (h, o) => {
      const p = planRetention(h, { ...o, now: NOW });
      const kept = h.filter((x) => x.verified && p.keep.includes(x.name)).length;
      expect(kept).toBeGreaterThanOrEqual(Math.min(o.keepMin, h.filter((x) => x.verified).length));
      if (o.keepLabelled) for (const x of h.filter((y) => y.verified && y.label)) expect(p.keep).toContain(x.name);
    }));
  });

  it('property: nothing younger than N days, and no leftover newer than the newest verified, is deleted', () => {
    fc.assert(fc.property(history, options, (h, o) => {
      const p = planRetention(h, { ...o, now: NOW });
      const newestVerified = Math.max(-Infinity, ...h.filter((x) => x.verified).map((x) => x.time.getTime()));
      for (const x of h.filter((y) => p.delete.includes(y.name))) {
        expect(NOW.getTime() - x.time.getTime()).toBeGreaterThanOrEqual(o.keepDays * DAY);
        if (!x.verified) expect(x.time.getTime()).toBeLessThan(newestVerified);
      }
    }));
  });

  it('property: keep and delete partition the input; planning again over keep deletes nothing (idempotent)', () => {
    fc.assert(fc.property(history, options, (h, o) => {
      const p = planRetention(h, { ...o, now: NOW });
      expect([...p.keep, ...p.delete].sort()).toEqual(h.map((x) => x.name).sort());
      const again = planRetention(h.filter((x) => p.keep.includes(x.name)), { ...o, now: NOW });
      expect(again.delete).toEqual([]);
      expect(again.keep.sort()).toEqual([...p.keep].sort());
    }));
  });

  it('property: independent of input order', () => {
    fc.assert(fc.property(history, options, fc.integer(), (h, o, seed) => {
      const shuffled = [...h].sort((x, y) => ((x.name.charCodeAt(3) * seed) % 7) - ((y.name.charCodeAt(3) * seed) % 7));
      expect(planRetention(shuffled, { ...o, now: NOW }).delete.sort()).toEqual(planRetention(h, { ...o, now: NOW }).delete.sort());
    }));
  });
});
