import { describe, expect, it } from 'vitest';
import { backupNameFor, backupTimeOf, commandNameFor } from './run-name';

describe('backupNameFor', () => {
  it('names the Asia/Seoul calendar day: every trigger of one night gets the same name', () => {
    // 03:00 KST on the 28th = 18:00 UTC on the 27th; a retry at 07:59 KST is the same night.
    expect(backupNameFor(new Date('2026-11-27T18:00:00Z'))).toBe('1795791600_2026_11_28');
    expect(backupNameFor(new Date('2026-11-27T22:59:59Z'))).toBe('1795791600_2026_11_28');
    expect(backupNameFor(new Date('2026-11-27T14:59:59Z'))).toBe('1795705200_2026_11_27');
  });

  it('the epoch prefix is local midnight, so names order and age like the nights they stand for', () => {
    expect(backupTimeOf('1795791600_2026_11_28')?.toISOString()).toBe('2026-11-27T15:00:00.000Z');
    expect(backupTimeOf('latest')).toBeUndefined();
    expect(commandNameFor('1795791600_2026_11_28')).toBe('gitlab-ask-ops-backup-1795791600_2026_11_28');
  });
});
