import { describe, expect, it } from 'vitest';
import { inventoryBackups, verifiedRecordKey } from '../inventory';
import { checkRetention } from './check-retention';

const NOW = new Date('2026-11-28T00:00:00Z');
const obj = (key: string, size = 10) => ({ key, size, lastModified: NOW, etag: '"x"' });
const n = (daysAgo: number) => {
  const t = new Date(NOW.getTime() - daysAgo * 86_400_000);
  return `${Math.floor(t.getTime() / 1000)}_${t.toISOString().slice(0, 10).replace(/-/g, '_')}`;
};
const backup = (name: string, manifest = true, record = false) => [
  obj(`b/${name}_gitlab_backup.tar`, 100),
  obj(`b/${name}_gitlab_config.tar`, 5),
  ...(manifest ? [obj(`b/${name}_gitlab_backup.manifest.json`)] : []),
  ...(record ? [obj(verifiedRecordKey('b/', name))] : []),
];

describe('inventoryBackups + checkRetention', () => {
  it('groups objects into backups (sizes, manifest, record) and ignores foreign keys', () => {
    const inv = inventoryBackups([...backup(n(1), true, true), obj('b/notes.txt'), obj('other/x_gitlab_backup.tar')], 'b/');
    expect(inv).toEqual([{ name: n(1), time: expect.any(Date), size: 105, hasArchive: true, hasManifest: true, hasRecord: true }]);
  });

  it('agrees with a host prune that followed the policy', () => {
    const present = inventoryBackups([...backup(n(0)), ...backup(n(1)), ...backup(n(2))], 'b/');
    expect(checkRetention(present, [n(20)], n(0), { keepMin: 3, keepDays: 7, now: NOW })).toMatchObject({ warnings: [], kept: [n(0), n(1), n(2)] });
  });

  it('warns when the host pruned a young backup, kept one the policy drops, or lost tonight\'s', () => {
    const present = inventoryBackups([...backup(n(1)), ...backup(n(2)), ...backup(n(3)), ...backup(n(30))], 'b/');
    const c = checkRetention(present, [n(4)], n(0), { keepMin: 3, keepDays: 7, now: NOW });
    expect(c.warnings).toEqual([
      `tonight's backup ${n(0)} is not on OSS after the prune`,
      expect.stringContaining(`host kept ${n(30)}, which the policy would prune`),
      `host pruned ${n(4)}, younger than 7 days`,
    ]);
  });

  it('lists verified records whose backup is gone', () => {
    const present = inventoryBackups([...backup(n(0)), obj(verifiedRecordKey('b/', n(40)))], 'b/');
    expect(checkRetention(present, [], n(0), { keepMin: 1, keepDays: 7, now: NOW }).orphanRecords).toEqual([n(40)]);
  });
});
