import { describe, expect, it } from 'vitest';
import { inventory, isVerified, verifiedRecordKey } from './inventory';

const at = new Date('2026-11-28T00:00:00Z');
const o = (key: string, size = 10) => ({ key, size, lastModified: at, etag: '"x"' });

describe('inventory', () => {
  it('groups a prefix into backups (sizes, files, label), partial copies and run records; ignores foreign keys', () => {
    const n = '1795791600_2026_11_28_pre-upgrade-ab12';
    const inv = inventory([
      o(`b/${n}_gitlab_backup.tar`, 100), o(`b/${n}_gitlab_config.tar`, 5), o(`b/${n}_gitlab_backup.manifest.json`), o(verifiedRecordKey('b/', n)),
      o('b/.1795791601_2026_11_28_cd34_gitlab_backup.tar.partial', 7), o('b/runs/0123abcd.json'), o('b/notes.txt'), o('other/x_gitlab_backup.tar'), o('b/sub/1795791600_2026_11_28_gitlab_backup.tar'),
    ], 'b/');
    expect(inv.backups).toEqual([{
      name: n, time: new Date(1795791600_000), label: 'pre-upgrade', size: 105, hasArchive: true, hasConfig: true, hasManifest: true, hasRecord: true,
      keys: [verifiedRecordKey('b/', n), `b/${n}_gitlab_backup.manifest.json`, `b/${n}_gitlab_backup.tar`, `b/${n}_gitlab_config.tar`],
    }]);
    expect(isVerified(inv.backups[0]!)).toBe(true);
    expect(inv.partials).toEqual([{ key: 'b/.1795791601_2026_11_28_cd34_gitlab_backup.tar.partial', size: 7, lastModified: at }]);
    expect(inv.runRecords).toEqual([{ key: 'b/runs/0123abcd.json', lastModified: at }]);
  });

  it('is verified only with our record AND every file: the host\'s manifest alone is not enough', () => {
    const n = '1795791600_2026_11_28_ab12';
    const files = [o(`${n}_gitlab_backup.tar`), o(`${n}_gitlab_config.tar`), o(`${n}_gitlab_backup.manifest.json`)];
    expect(isVerified(inventory(files, '').backups[0]!)).toBe(false);
    expect(isVerified(inventory([...files, o(verifiedRecordKey('', n))], '').backups[0]!)).toBe(true);
    expect(isVerified(inventory([...files.slice(1), o(verifiedRecordKey('', n))], '').backups[0]!)).toBe(false);
  });
});
