/**
 * Backup figures in the sandbox (ECS + OSS + DirectMail parts, as `npm start` runs them; the ECS part delays command
 * delivery by 300 ms like a real agent's pickup): the dry-run preflight's time (median of BENCH_RUNS), and what the
 * bad-nights fault sequence leaves — 3 good nights, then 3 nights with `oss-read`, then a good night — in verified
 * backups kept, objects the failed nights deleted and mails per failed night. Retention keeps the 3 newest verified
 * and nothing for its age (keepDays 0), and a verified backup 8 nights older is on OSS before the oss-read nights:
 * without something prunable, "verified kept" could not tell a failed night that prunes from one that does not.
 * The behaviour is asserted in test/e2e/backup.test.ts; this prints the numbers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupRunName, createEcsPort, describeBackups, ECS_API_VERSION, runBackup, type BackupRunOptions } from '#shared/backup/index';
import { DEFAULT_BACKUP_SCRIPT_CONFIG } from '#shared/backup/script/index';
import { createOssPort } from '#shared/cloud/oss/index';
import { createRpcClient } from '#shared/cloud/pop/index';
import { memoryLogger } from '#shared/log/index';
import { createMailer } from '#shared/mail/index';
import { systemClock } from '#shared/runtime/index';
import { ecsSandboxPart } from '#local/ecs/sandbox-part';
import { ossSandboxPart } from '#local/oss/sandbox-part';
import type { SandboxPartHandle } from '#local/sandbox/boot';
import { FaultRegistry } from '#local/sandbox/named-faults';
import { mailSandboxPart } from '#local/sandbox/parts/mail-part';
import { median, percentile, r1, writeResult } from './lib/stats';

export async function run(runs = Number(process.env.BENCH_RUNS ?? 10)) {
  const sts = { accessKeyId: 'STS.bench', accessKeySecret: 'bench-secret', securityToken: 'bench-token' };
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-backup-'));
  const handles: SandboxPartHandle[] = [];
  try {
    let env: Record<string, string> = {};
    for (const part of [mailSandboxPart, ossSandboxPart, ecsSandboxPart]) {
      const h = await part.start({ credentials: sts, accountId: '1234567890123456', region: 'ap-northeast-2', stateDir, env: { ...env } });
      handles.push(h);
      env = { ...env, ...h.env, ...h.urls };
    }
    const faults = new FaultRegistry(handles.flatMap((h) => h.faults ?? []));
    const credentials = () => sts;
    const log = memoryLogger('error');
    const oss = createOssPort({ bucket: env.OSS_BUCKET!, region: 'ap-northeast-2', endpoint: env.OSS_ENDPOINT!, credentials });
    const d = {
      ecs: createEcsPort(createRpcClient({ endpoint: env.ECS_ENDPOINT!, apiVersion: ECS_API_VERSION, credentials }), 'ap-northeast-2'),
      oss,
      mail: createMailer({ rpc: createRpcClient({ endpoint: env.DM_ENDPOINT!, apiVersion: '2015-11-23', credentials }), from: env.MAIL_FROM!, to: [env.MAIL_TO!], log }),
      clock: systemClock,
      log,
    };
    const retention = { keepMin: 3, keepDays: 0, keepLabelled: true };
    const opts = (key: string, dryRun: boolean): BackupRunOptions => ({ instanceId: env.BACKUP_INSTANCE_ID!, script: DEFAULT_BACKUP_SCRIPT_CONFIG, retention, timeoutSec: 600, runKey: key, startedAt: new Date(), deadline: new Date(Date.now() + 120_000), dryRun, pollFirstMs: 200 });
    const samples: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      const r = await runBackup(d, opts(`bench/preflight/${i}`, true));
      if (r.status !== 'planned') throw new Error(`preflight not clean: ${r.cause}`);
      if (i > 0) samples.push(performance.now() - t0); // the first run loads pop-core and ali-oss
    }
    const mailsBefore = async () => ((await (await fetch(env['outbox.json']!)).json()) as { mails: unknown[] }).mails.length;
    const keys = async () => (await oss.list('')).map((o) => o.key);
    const verifiedNow = async () => (await describeBackups(oss, { ossPrefix: DEFAULT_BACKUP_SCRIPT_CONFIG.ossPrefix, configPrefix: DEFAULT_BACKUP_SCRIPT_CONFIG.configPrefix, retention: { ...retention, now: new Date() } })).backups.filter((b) => b.verified).length;
    const good: string[] = [];
    for (let i = 0; i < 3; i++) good.push((await runBackup(d, opts(`bench/good/${i}`, false))).name);
    // The first good backup's files again under a name 8 nights older (through the bucket's directory, as the mount).
    const older = backupRunName({ at: new Date(Number(good[0]!.slice(0, 10)) * 1000 - 8 * 86_400_000), key: 'bench/older' });
    const bucketDir = join(stateDir, 'oss', env.OSS_BUCKET!);
    for (const k of (await keys()).filter((x) => x.includes(good[0]!))) writeFileSync(join(bucketDir, k.replace(good[0]!, older)), readFileSync(join(bucketDir, k), 'latin1').replaceAll(good[0]!, older), 'latin1');
    const verifiedBeforeFailedNights = await verifiedNow();
    faults.set('oss-read');
    const mailsPerFailedNight: number[] = [];
    let deletedByFailedNights = 0;
    for (let i = 0; i < 3; i++) {
      const m0 = await mailsBefore();
      const k0 = await keys();
      const r = await runBackup(d, opts(`bench/oss-read/${i}`, false));
      if (r.status !== 'failed') throw new Error(`an oss-read night came out ${r.status}`);
      const k1 = new Set(await keys());
      deletedByFailedNights += k0.filter((k) => !k1.has(k)).length;
      mailsPerFailedNight.push((await mailsBefore()) - m0);
    }
    faults.clear();
    const verifiedAfterFailedNights = await verifiedNow();
    const next = await runBackup(d, opts('bench/good/next', false));
    if (next.status !== 'verified') throw new Error(`the good night after came out ${next.status}`);
    const listing = await describeBackups(oss, { ossPrefix: DEFAULT_BACKUP_SCRIPT_CONFIG.ossPrefix, configPrefix: DEFAULT_BACKUP_SCRIPT_CONFIG.configPrefix, retention: { ...retention, now: new Date() } });
    const figures = {
      preflightMs: { runs, median: r1(median(samples)), p90: r1(percentile(samples, 90)), min: r1(Math.min(...samples)) },
      faultSequence: {
        nights: '3 good, an 8-night-older verified copy, 3 with oss-read, 1 good; BACKUP_KEEP_MIN 3, BACKUP_KEEP_DAYS 0',
        verifiedBeforeFailedNights, verifiedAfterFailedNights, deletedByFailedNights, mailsPerFailedNight,
        prunedByNextGood: next.retention?.pruned.length ?? 0, verifiedKept: listing.backups.filter((b) => b.verified).length, backupsOnOss: listing.backups.length,
      },
    };
    const f = figures.faultSequence;
    console.log(`backup preflight (dry run) in the sandbox: median ${figures.preflightMs.median} ms, p90 ${figures.preflightMs.p90} ms over ${runs} runs`);
    console.log(`3 oss-read nights: verified ${f.verifiedBeforeFailedNights} → ${f.verifiedAfterFailedNights}, ${f.deletedByFailedNights} objects deleted; mails per failed night ${mailsPerFailedNight.join(', ')}`);
    console.log(`next good night: pruned ${f.prunedByNextGood}, ${f.verifiedKept} verified kept of ${f.backupsOnOss} on OSS (BACKUP_KEEP_MIN 3)`);
    console.log(`→ ${await writeResult('backup', figures)}`);
    return figures;
  } finally {
    for (const h of handles.reverse()) await h.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
