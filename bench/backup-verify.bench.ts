/**
 * The host script's verification cost per GiB in the sandbox (docs/adr/0022): one emulated GitLab host, archives of
 * BENCH_VERIFY_MIB (default 256 and 512 MiB), the step times the script reports (`timingsMs`): `list` (tar -tf of the
 * staged archive, before any copy), `copy` (one local read feeding the mount and sha256sum) and `verify` (one read back
 * through the mount). The sandbox mount is a local directory, so these are page-cache speeds: the figures compare
 * routes, they do not predict ossfs (the ADR models that).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatedHost } from '#local/ecs/emulated-host';
import { DEFAULT_BACKUP_SCRIPT_CONFIG, parseBackupResult, renderBackupScript } from '#shared/backup/script/index';
import { r1, writeResult } from './lib/stats';

export async function run(sizesMiB = (process.env.BENCH_VERIFY_MIB ?? '256,512').split(',').map(Number)) {
  const rows: Array<{ archiveMiB: number; msPerGiB: Record<string, number> }> = [];
  for (const mib of sizesMiB) {
    const bucket = mkdtempSync(join(tmpdir(), 'bench-verify-'));
    const host = new EmulatedHost({ instanceId: 'i-benchverify', mountBackingDir: bucket });
    try {
      const name = `${Math.floor(Date.now() / 1000)}_2026_12_06_b${mib}`;
      const file = join(host.root, `gitlab-ask-ops-backup-${name}.sh`);
      writeFileSync(file, renderBackupScript({ ...DEFAULT_BACKUP_SCRIPT_CONFIG, runName: name, timeoutSec: 3600 }));
      // The stand-in gzips this much random data into the database dump: the archive is about that size.
      const r = spawnSync('bash', [file], { env: { ...host.env(), EMU_BACKUP_SIZE_KB: String(mib * 1024) }, encoding: 'utf8', maxBuffer: 64 << 20 });
      const result = parseBackupResult(r.stdout);
      if (result?.status !== 'ok') throw new Error(`backup failed: ${r.stdout.slice(-2000)}`);
      const gib = statSync(join(bucket, result.archive)).size / 1024 ** 3;
      const t = result.timingsMs;
      const per = (ms: number | undefined): number => r1((ms ?? 0) / gib);
      rows.push({ archiveMiB: r1(gib * 1024), msPerGiB: { list: per(t.list), copy: per(t.copy), verify: per(t.verify), listPlusVerify: per((t.list ?? 0) + (t.verify ?? 0)) } });
    } finally {
      host.dispose();
      rmSync(bucket, { recursive: true, force: true });
    }
  }
  for (const row of rows) console.log(`archive ${row.archiveMiB} MiB: list ${row.msPerGiB.list} ms/GiB, copy (hashed) ${row.msPerGiB.copy} ms/GiB, read-back ${row.msPerGiB.verify} ms/GiB`);
  console.log(`→ ${await writeResult('backup-verify', { rows })}`);
  return { rows };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
