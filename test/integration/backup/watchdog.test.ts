import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleWorker } from '../../../functions/ops-worker/handler';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/index';
import { BUCKET, startBackupBed, type BackupBed } from './harness';

const NOW = new Date('2026-11-28T00:00:00Z'); // 09:00 KST, when the watchdog timer fires
const HOUR = 3_600_000;
const MIDNIGHT_KST = new Date('2026-11-27T15:00:00Z');

describe('watchdog action (OSS + DirectMail emulators)', () => {
  let bed: BackupBed;
  let seq = 0;
  beforeAll(async () => {
    bed = await startBackupBed();
  });
  afterAll(async () => {
    await bed?.close();
  });

  /**
   * A prefix holding backups taken `hoursAgo`; `verified` ones get our verified record with that `createdAt`. The
   * names all carry local midnight as their epoch (as the old daily names did): the watchdog must not age by them.
   */
  function seed(backups: Array<{ hoursAgo: number; verified: boolean; bytes?: number; record?: string }>): string {
    const prefix = `wd${++seq}`;
    const dir = join(bed.oss.bucketDir(BUCKET), prefix);
    mkdirSync(join(dir, 'verified'), { recursive: true });
    backups.forEach((b, i) => {
      const n = `${Math.floor(MIDNIGHT_KST.getTime() / 1000) - i}_2026_11_28_ab${String(i).padStart(2, '0')}`;
      writeFileSync(join(dir, `${n}_gitlab_backup.tar`), Buffer.alloc(b.bytes ?? 1000));
      writeFileSync(join(dir, `${n}_gitlab_config.tar`), Buffer.alloc(10));
      writeFileSync(join(dir, `${n}_gitlab_backup.manifest.json`), '{}');
      const createdAt = new Date(NOW.getTime() - b.hoursAgo * HOUR).toISOString();
      if (b.verified) writeFileSync(join(dir, 'verified', `${n}.json`), b.record ?? JSON.stringify({ schema: 'gitlab-ask-ops/verified@1', name: n, createdAt, verifiedAt: createdAt }));
    });
    return `${prefix}/`;
  }

  const run = (prefix: string) => {
    const clock: Clock = { now: () => NOW, sleep: async () => undefined };
    const config = loadConfig({ OSS_BUCKET: BUCKET, OSS_PREFIX: prefix, BACKUP_RPO_HOURS: '26', MAIL_TO: 'team@example.com' });
    return handleWorker('{"action":"watchdog"}', { requestId: 'wd' }, { config, log: memoryLogger('warn'), clock, ports: { oss: bed.ports.oss, mail: bed.ports.mail } });
  };

  it('ages backups by their verified records, not their names: a backup taken a minute ago is a minute old', async () => {
    const mails = bed.dm.outbox.length;
    const r = await run(seed([{ hoursAgo: 1 / 60, verified: true, bytes: 2048 }, { hoursAgo: 33, verified: true }]));
    expect(r).toMatchObject({ status: 'ok', plan: [], report: { ok: true, newestVerifiedAgeHours: 0, totalBytes: 2048 + 1000 + 20 } });
    expect((r.report as { backups: unknown[] }).backups).toEqual([
      { name: expect.any(String), createdAt: new Date(NOW.getTime() - 60_000).toISOString(), ageHours: 0, bytes: 2058, verified: true },
      { name: expect.any(String), createdAt: new Date(NOW.getTime() - 33 * HOUR).toISOString(), ageHours: 33, bytes: 1010, verified: true },
    ]);
    expect(bed.dm.outbox).toHaveLength(mails);
  });

  it('a breached RPO is failed (exit 1) with exactly one ❌ mail: last night produced only an unverified backup', async () => {
    const mails = bed.dm.outbox.length;
    const r = await run(seed([{ hoursAgo: 9, verified: false }, { hoursAgo: 33, verified: true }]));
    expect(r).toMatchObject({ status: 'failed', report: { ok: false, newestVerifiedAgeHours: 33 }, errors: [{ code: 'BACKUP_FAILED' }] });
    expect(r.summary).toMatch(/newest verified backup \S+ was taken 33 h ago \(RPO 26 h\)/);
    expect(bed.dm.outbox).toHaveLength(mails + 1);
    const mail = bed.dm.outbox.at(-1)!;
    expect(mail.subject).toMatch(/^❌ FAIL watchdog .*: no verified backup in 33 h \(RPO 26 h\)/);
    expect(mail.textBody).toContain('No verified backup within 26 h');
    expect(mail.textBody).toContain('33');
  });

  it('fires when there is no backup at all', async () => {
    const r = await run(seed([]));
    expect(r).toMatchObject({ status: 'failed', report: { ok: false, cause: 'no backup on OSS at all' } });
  });

  it('a record from before createdAt existed is aged by its other times, else by when it was written', async () => {
    const prefix = seed([{ hoursAgo: 0, verified: true, record: JSON.stringify({ name: 'old-style' }) }]);
    const dir = join(bed.oss.bucketDir(BUCKET), prefix, 'verified');
    const rec = join(dir, readdirSync(dir)[0]!);
    const written = new Date(NOW.getTime() - 30 * HOUR);
    utimesSync(rec, written, written);
    const r = await run(prefix);
    expect(r).toMatchObject({ status: 'failed', report: { newestVerifiedAgeHours: 30 } });
  });
});
