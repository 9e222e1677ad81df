import { describe, expect, it } from 'vitest';
import { backupsTable } from './backups';

describe('backups table', () => {
  it('prints every time to the second, whether it came from a verified record (ms) or a host manifest', () => {
    const now = new Date('2026-12-07T02:00:00Z');
    const lines = backupsTable(
      [
        { name: '1796608556_2026_12_07_pre-upgrade-aqp4', label: 'pre-upgrade', createdAt: '2026-12-07T01:55:56.000Z', sizeBytes: 112_640, gitlabVersion: '17.5.1-ee', verified: true, verifiedAt: '2026-12-07T01:55:58.375Z', retention: 'keep: one of the 3 newest verified' },
        { name: '1796608393_2026_12_07_6xqb', createdAt: '2026-12-07T01:53:14Z', sizeBytes: 112_640, gitlabVersion: '17.5.1-ee', verified: false, retention: 'keep: younger than 7 days' },
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
});
