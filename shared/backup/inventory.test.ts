import { describe, expect, it } from 'vitest';
import { inventory, isVerified, listBackupObjects, verifiedRecordKey } from './inventory';

/** Prefixes with no separate config prefix (the archives next to the data, as before ADR 0022). */
const noConf = (ossPrefix: string) => ({ ossPrefix, configPrefix: undefined });

const at = new Date('2026-11-28T00:00:00Z');
const o = (key: string, size = 10) => ({ key, size, lastModified: at, etag: '"x"' });

describe('inventory', () => {
  it('groups a prefix into backups (sizes, files, label), partial copies and run records; ignores foreign keys', () => {
    const n = '1795791600_2026_11_28_pre-upgrade-ab12';
    const inv = inventory([
      o(`b/${n}_gitlab_backup.tar`, 100), o(`b/${n}_gitlab_config.tar`, 5), o(`b/${n}_gitlab_backup.manifest.json`), o(verifiedRecordKey('b/', n)),
      o('b/.1795791601_2026_11_28_cd34_gitlab_backup.tar.partial', 7), o('b/runs/0123abcd.json'), o('b/notes.txt'), o('other/x_gitlab_backup.tar'), o('b/sub/1795791600_2026_11_28_gitlab_backup.tar'),
    ], noConf('b/'));
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
    expect(isVerified(inventory(files, noConf('')).backups[0]!)).toBe(false);
    expect(isVerified(inventory([...files, o(verifiedRecordKey('', n))], noConf('')).backups[0]!)).toBe(true);
    expect(isVerified(inventory([...files.slice(1), o(verifiedRecordKey('', n))], noConf('')).backups[0]!)).toBe(false);
  });

  it('takes a backup\'s /etc/gitlab archive from the config prefix (ADR 0022) or, for older backups, next to the data; deletes it last', () => {
    const n = '1795791600_2026_11_28_ab12';
    const old = '1795705200_2026_11_27';
    const objects = [
      o(`b/${n}_gitlab_backup.tar`, 100), o(`b/${n}_gitlab_backup.manifest.json`), o(verifiedRecordKey('b/', n)), o(`conf/${n}_gitlab_config.tar`, 5),
      o(`b/${old}_gitlab_backup.tar`, 90), o(`b/${old}_gitlab_config.tar`, 4), o(`b/${old}_gitlab_backup.manifest.json`), o(verifiedRecordKey('b/', old)),
      o(`conf/.${n}_gitlab_config.tar.partial`, 3), o('conf/foreign.tar'),
    ];
    const inv = inventory(objects, { ossPrefix: 'b/', configPrefix: 'conf/' });
    expect(inv.backups.map((b) => [b.name, b.size, isVerified(b), b.keys.at(-1)])).toEqual([[n, 105, true, `conf/${n}_gitlab_config.tar`], [old, 94, true, `b/${old}_gitlab_config.tar`]]);
    expect(inv.partials.map((p) => p.key)).toEqual([`conf/.${n}_gitlab_config.tar.partial`]);
    // Without the config prefix the new backup lacks its config, so it is not whole (not verified).
    expect(isVerified(inventory(objects, noConf('b/')).backups.find((b) => b.name === n)!)).toBe(false);
  });

  it('lists both prefixes, once each, and a nested config prefix only once', async () => {
    const lists: string[] = [];
    const oss = { list: async (p: string) => (lists.push(p), [o(`${p}x`)]) };
    expect((await listBackupObjects(oss, { ossPrefix: 'b/', configPrefix: 'conf/' })).map((x) => x.key)).toEqual(['b/x', 'conf/x']);
    expect(await listBackupObjects(oss, { ossPrefix: 'b/', configPrefix: 'b/conf/' })).toHaveLength(1);
    expect(lists).toEqual(['b/', 'conf/', 'b/']);
  });
});
