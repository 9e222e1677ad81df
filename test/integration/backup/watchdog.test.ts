import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleWorker } from '../../../functions/ops-worker/handler';
import { loadConfig } from '#shared/config/index';
import { memoryLogger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/index';
import { BUCKET, startBackupBed, type BackupBed } from './harness';

const NOW = new Date('2026-11-28T00:00:00Z'); // 09:00 KST, when the watchdog timer fires
const HOUR = 3_600_000;
const nameAt = (t: Date): string => `${Math.floor(t.getTime() / 1000)}_${t.toISOString().slice(0, 10).replace(/-/g, '_')}`;

describe('watchdog action (OSS + DirectMail emulators)', () => {
  let bed: BackupBed;
  let seq = 0;
  beforeAll(async () => {
    bed = await startBackupBed();
  });
  afterAll(async () => {
    await bed?.close();
  });

  /** A prefix holding backups `hoursAgo` old; `verified` ones get our verified record. */
  function seed(backups: Array<{ hoursAgo: number; verified: boolean; bytes?: number }>): string {
    const prefix = `wd${++seq}`;
    const dir = join(bed.oss.bucketDir(BUCKET), prefix);
    mkdirSync(join(dir, 'verified'), { recursive: true });
    for (const b of backups) {
      const n = nameAt(new Date(NOW.getTime() - b.hoursAgo * HOUR));
      writeFileSync(join(dir, `${n}_gitlab_backup.tar`), Buffer.alloc(b.bytes ?? 1000));
      writeFileSync(join(dir, `${n}_gitlab_config.tar`), Buffer.alloc(10));
      writeFileSync(join(dir, `${n}_gitlab_backup.manifest.json`), '{}');
      if (b.verified) writeFileSync(join(dir, 'verified', `${n}.json`), '{}');
    }
    return `${prefix}/`;
  }

  const run = (prefix: string) => {
    const clock: Clock = { now: () => NOW, sleep: async () => undefined };
    const config = loadConfig({ OSS_BUCKET: BUCKET, OSS_PREFIX: prefix, BACKUP_RPO_HOURS: '26', MAIL_TO: 'team@example.com' });
    return handleWorker('{"action":"watchdog"}', { requestId: 'wd' }, { config, log: memoryLogger('warn'), clock, ports: { oss: bed.ports.oss, mail: bed.ports.mail } });
  };

  it('is quiet while a verified backup is younger than the RPO, and reports ages and sizes', async () => {
    const mails = bed.dm.outbox.length;
    const r = await run(seed([{ hoursAgo: 9, verified: true, bytes: 2048 }, { hoursAgo: 33, verified: true }]));
    expect(r).toMatchObject({ status: 'ok', plan: [], report: { ok: true, newestVerifiedAgeHours: 9, totalBytes: 2048 + 1000 + 20 } });
    expect((r.report as { backups: unknown[] }).backups).toEqual([
      { name: expect.any(String), ageHours: 9, bytes: 2058, verified: true },
      { name: expect.any(String), ageHours: 33, bytes: 1010, verified: true },
    ]);
    expect(bed.dm.outbox).toHaveLength(mails);
  });

  it('fires after the RPO: last night produced only an unverified backup', async () => {
    const r = await run(seed([{ hoursAgo: 9, verified: false }, { hoursAgo: 33, verified: true }]));
    expect(r).toMatchObject({ status: 'degraded', report: { ok: false, newestVerifiedAgeHours: 33 } });
    expect(r.summary).toMatch(/newest verified backup \S+ is 33 h old \(RPO 26 h\)/);
    const mail = bed.dm.outbox.at(-1)!;
    expect(mail.subject).toContain('No verified backup within 26 h');
    expect(mail.textBody).toContain('33');
  });

  it('fires when there is no backup at all', async () => {
    const r = await run(seed([]));
    expect(r).toMatchObject({ status: 'degraded', report: { ok: false, cause: 'no backup on OSS at all' } });
  });
});
