import { describe, expect, it } from 'vitest';
import { backupRunName, backupTimeOf, commandNameFor, labelOf } from './run-name';

const AT = new Date('2026-11-27T18:00:00Z'); // 03:00 KST on the 28th

describe('backupRunName', () => {
  it('is <start epoch>_<Seoul calendar day>_<id>: the date part is the night, the epoch the real second', () => {
    const n = backupRunName({ at: AT, key: 'timer/nightly-backup/2026-11-27T18:00:00.000Z' });
    expect(n).toMatch(/^1795802400_2026_11_28_[0-9a-z]{4}$/);
    expect(backupTimeOf(n)?.toISOString()).toBe('2026-11-27T18:00:00.000Z');
    expect(labelOf(n)).toBeUndefined();
  });

  it('the date part is the calendar day in TIMER_TZ (timeZone): the same instant is the 28th in Seoul, the 27th in UTC', () => {
    const late = new Date('2026-11-27T16:00:00Z');
    expect(backupRunName({ at: late, key: 'k' })).toMatch(/^1795795200_2026_11_28_/);
    expect(backupRunName({ at: late, key: 'k', timeZone: 'UTC' })).toMatch(/^1795795200_2026_11_27_/);
    expect(backupRunName({ at: late, key: 'k', timeZone: 'America/New_York' })).toMatch(/^1795795200_2026_11_27_/);
  });

  it('one key, one name (FC retries of a task); another key, another name (a new invocation the same second)', () => {
    const a = backupRunName({ at: AT, key: 'request/1-abc' });
    expect(backupRunName({ at: AT, key: 'request/1-abc' })).toBe(a);
    expect(backupRunName({ at: AT, key: 'request/1-abd' })).not.toBe(a);
  });

  it('carries a label before the id, and refuses labels that could break the name', () => {
    const n = backupRunName({ at: AT, key: 'k', label: 'pre-upgrade' });
    expect(n).toMatch(/^1795802400_2026_11_28_pre-upgrade-[0-9a-z]{4}$/);
    expect(labelOf(n)).toBe('pre-upgrade');
    for (const bad of ['Pre', 'a_b', '-x', 'x-', 'a'.repeat(33), '../x', '']) expect(() => backupRunName({ at: AT, key: 'k', label: bad })).toThrow(/invalid label/);
  });

  it('GitLab-made and older names have no label; every name maps to its command name', () => {
    expect(labelOf('1493107454_2018_04_25_10.6.4-ce')).toBeUndefined();
    expect(labelOf('1795791600_2026_11_28')).toBeUndefined();
    expect(backupTimeOf('latest')).toBeUndefined();
    expect(commandNameFor('1795791600_2026_11_28_ab12')).toBe('gitlab-ask-ops-backup-1795791600_2026_11_28_ab12');
  });
});
