import { describe, expect, it } from 'vitest';
import type { OssObjectInfo, OssPort } from '#shared/cloud/oss/index';
import { AppError } from '#shared/errors/index';
import { inventory, verifiedRecordKey } from '../inventory';
import { applyRetention, RUN_RECORD_TTL_MS } from './apply-retention';

const NOW = new Date('2026-11-28T00:00:00Z');
const DAY = 86_400_000;
const name = (daysAgo: number, suffix = 'ab12') => {
  const t = new Date(NOW.getTime() - daysAgo * DAY);
  return `${Math.floor(t.getTime() / 1000)}_${t.toISOString().slice(0, 10).replace(/-/g, '_')}_${suffix}`;
};

function memoryOss(keys: Array<[string, number]>, failDelete?: string): OssPort & { deleted: string[]; objects: () => OssObjectInfo[] } {
  const objs = new Map(keys.map(([k, daysAgo]) => [k, new Date(NOW.getTime() - daysAgo * DAY)]));
  const deleted: string[] = [];
  const objects = () => [...objs].map(([key, lastModified]) => ({ key, size: 10, lastModified, etag: '' }));
  return {
    bucket: 'b', deleted, objects,
    list: async () => objects(),
    head: async () => undefined,
    getText: async () => undefined,
    sha256: async () => undefined,
    putJson: async () => undefined,
    putJsonIfAbsent: async () => 'created' as const,
    lifecycle: async () => [],
    delete: async (k) => {
      if (k === failDelete) throw new AppError('OSS_API', `OSS delete ${k}: AccessDenied`);
      deleted.push(k);
      objs.delete(k);
    },
  };
}
const backup = (n: string, daysAgo: number, o: { record?: boolean; manifest?: boolean } = {}): Array<[string, number]> => [
  ...(o.record === false ? [] : [[verifiedRecordKey('p/', n), daysAgo] as [string, number]]),
  ...(o.manifest === false ? [] : [[`p/${n}_gitlab_backup.manifest.json`, daysAgo] as [string, number]]),
  [`p/${n}_gitlab_backup.tar`, daysAgo],
  [`p/${n}_gitlab_config.tar`, daysAgo],
];

describe('applyRetention', () => {
  const opts = { keepMin: 2, keepDays: 3, keepLabelled: true, now: NOW };

  it('deletes what the plan prunes, record first, and reports kept, pruned, leftovers with reasons', async () => {
    const [v0, v1, v10, v20, u15, u1] = [name(0), name(1), name(10), name(20, 'cd34'), name(15, 'ef56'), name(1, 'gh78')];
    const oss = memoryOss([...backup(v0, 0), ...backup(v1, 1), ...backup(v10, 10), ...backup(v20, 20), ...backup(u15, 15, { record: false }), ...backup(u1, 1, { record: false, manifest: false })]);
    const out = await applyRetention(oss, inventory(oss.objects(), { ossPrefix: 'p/', configPrefix: undefined }), opts);
    expect(out.pruned.map((p) => p.name).sort()).toEqual([v10, v20, u15].sort());
    expect(out.kept.map((k) => k.name).sort()).toEqual([v0, v1, u1].sort());
    expect(out.leftovers).toEqual([u1]);
    expect(oss.deleted.slice(0, 4)).toEqual([verifiedRecordKey('p/', v10), `p/${v10}_gitlab_backup.manifest.json`, `p/${v10}_gitlab_backup.tar`, `p/${v10}_gitlab_config.tar`]);
    expect(out.errors).toEqual([]);
  });

  it('labelled verified backups stay however old; partial copies and old run records go only when old enough', async () => {
    const labelled = name(30, 'pre-upgrade-ab12');
    const oss = memoryOss([
      ...backup(name(0), 0), ...backup(name(1), 1), ...backup(labelled, 30),
      [`p/.${name(5, 'zz99')}_gitlab_backup.tar.partial`, 5],
      [`p/.${name(0.5, 'yy88')}_gitlab_backup.tar.partial`, 0.5],
      ['p/runs/aaaa.json', RUN_RECORD_TTL_MS / DAY + 0.1],
      ['p/runs/bbbb.json', 0.1],
    ]);
    const out = await applyRetention(oss, inventory(oss.objects(), { ossPrefix: 'p/', configPrefix: undefined }), opts);
    expect(out.pruned).toEqual([]);
    expect(out.kept.find((k) => k.name === labelled)?.reason).toMatch(/labelled "pre-upgrade"/);
    expect(out.partialsRemoved).toEqual([`p/.${name(5, 'zz99')}_gitlab_backup.tar.partial`]);
    expect(out.partialsKept).toEqual([`p/.${name(0.5, 'yy88')}_gitlab_backup.tar.partial`]);
    expect(out.runRecordsRemoved).toBe(1);
    expect(oss.deleted).not.toContain('p/runs/bbbb.json');
  });

  it('a delete that fails is reported, the backup is not counted as pruned, and the rest still goes', async () => {
    const [v0, v1, v10, v20] = [name(0), name(1), name(10), name(20, 'cd34')];
    const oss = memoryOss([...backup(v0, 0), ...backup(v1, 1), ...backup(v10, 10), ...backup(v20, 20)], `p/${v10}_gitlab_backup.tar`);
    const out = await applyRetention(oss, inventory(oss.objects(), { ossPrefix: 'p/', configPrefix: undefined }), opts);
    expect(out.pruned.map((p) => p.name)).toEqual([v20]);
    expect(out.errors).toEqual([expect.stringContaining(`delete p/${v10}_gitlab_backup.tar: OSS delete`)]);
    // Its record went first, so what is left never counts as verified.
    expect(oss.deleted).toContain(verifiedRecordKey('p/', v10));
  });
});
