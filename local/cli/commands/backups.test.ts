import { describe, expect, it } from 'vitest';
import { planRetention } from '#shared/backup/retention/plan-retention';
import { backupsTable } from './backups';

describe('backups table', () => {
  it('prints every time to the second, whether it came from a verified record (ms) or a host manifest', () => {
    const now = new Date('2026-12-07T02:00:00Z');
    const lines = backupsTable(
      [
        { name: '1796608556_2026_12_07_pre-upgrade-aqp4', label: 'pre-upgrade', createdAt: '2026-12-07T01:55:56.000Z', sizeBytes: 112_640, gitlabVersion: '17.5.1-ee', verified: true, verifiedAt: '2026-12-07T01:55:58.375Z', retention: 'keep: one of the 3 newest verified' },
        { name: '1796608393_2026_12_07_6xqb', createdAt: '2026-12-07T01:53:14Z', sizeBytes: 112_640, gitlabVersion: '17.5.1-ee', verified: false, retention: 'keep: failed run (unverified), in BACKUP_KEEP_DAYS 7 until 2026-12-14T01:53:14Z; removed by the first backup verified after that' },
      ],
      now,
    );
    expect(lines[1]).toContain('  2026-12-07T01:55:56Z  4 min');
    expect(lines[1]).toContain('  yes 2026-12-07T01:55:58Z  ');
    expect(lines[2]).toContain('  2026-12-07T01:53:14Z  7 min');
    // The columns line up: AGE starts at the same offset on every line.
    const at = lines[0]!.indexOf('AGE');
    expect([lines[1]!.indexOf('4 min'), lines[2]!.indexOf('7 min')]).toEqual([at, at]);
  });

  it('a failed run\'s leftover shows what keeps it and when it goes (the planner\'s reason), not "younger than 7 days"', () => {
    const now = new Date('2026-12-07T02:00:00Z');
    const verified = { name: '1796608556_2026_12_07_aqp4', time: new Date('2026-12-07T01:55:56Z'), verified: true };
    const failed = { name: '1796515200_2026_12_06_6xqb', time: new Date('2026-12-06T00:00:00Z'), verified: false };
    const { reasons } = planRetention([verified, failed], { keepMin: 3, keepDays: 7, keepLabelled: true, now });
    const lines = backupsTable(
      [
        { name: verified.name, createdAt: verified.time.toISOString(), sizeBytes: 1, verified: true, verifiedAt: verified.time.toISOString(), retention: reasons[verified.name]! },
        { name: failed.name, createdAt: failed.time.toISOString(), sizeBytes: 1, verified: false, retention: reasons[failed.name]! },
      ],
      now,
    );
    expect(lines[1]).toMatch(/ {2}keep: one of the 3 newest verified$/);
    expect(lines[2]).toMatch(/ {2}no {2,}keep: failed run \(unverified\), in BACKUP_KEEP_DAYS 7 until 2026-12-13T00:00:00Z; removed by the first backup verified after that$/);
  });
});
