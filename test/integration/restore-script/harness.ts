import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '#shared/config/index';
import { parseRestoreResult, renderRestoreScript, restoreScriptConfigFromEnv, type RestoreResult, type RestoreScriptConfig } from '#shared/restore/script/index';
import type { EmulatedHost } from '#local/ecs/index';
import { runBackup, waitResult, type Bed } from '../backup-script/harness';

/** A verified backup of `host` under `prefix` (the backup script's own run): its name and archive sha256. */
export async function backupOn(bed: Bed, host: EmulatedHost, prefix: string): Promise<{ name: string; sha256: string }> {
  const r = await runBackup(bed, host.instanceId, { ossPrefix: prefix, configPrefix: `${prefix.replace(/\/$/, '')}-config/` });
  if (r.result?.status !== 'ok') throw new Error(`backup failed: ${r.output}`);
  const sha256 = createHash('sha256').update(readFileSync(join(bed.bucketDir, r.result.archive))).digest('hex');
  return { name: r.result.name, sha256 };
}

/** The host restore config for a backup under `prefix`, as the restore action renders it (60 s Timeout). */
export function restoreConfig(prefix: string, run: Pick<RestoreScriptConfig, 'backupName' | 'expectVersion' | 'archiveSha256'>): RestoreScriptConfig {
  const env = loadConfig({ OSS_PREFIX: prefix, BACKUP_CONFIG_PREFIX: `${prefix.replace(/\/$/, '')}-config/`, BACKUP_TIMEOUT_SECONDS: '60', BACKUP_MIN_FREE_GIB: '1' }).env;
  return restoreScriptConfigFromEnv(env, run);
}

/** Run the restore script on the host through Cloud Assistant, named as the restore action names it. */
export async function runRestore(bed: Bed, host: EmulatedHost, cfg: RestoreScriptConfig): Promise<{ status: string; exitCode: number; output: string; result: RestoreResult | undefined }> {
  const script = renderRestoreScript(cfg);
  const res = await bed.rpc.request<{ InvokeId: string }>('RunCommand', {
    RegionId: 'ap-northeast-2', Type: 'RunShellScript', CommandContent: Buffer.from(script).toString('base64'), ContentEncoding: 'Base64',
    InstanceId: [host.instanceId], Timeout: cfg.timeoutSec, Name: `gitlab-ask-ops-restore-${cfg.backupName}`, Username: 'root', TerminationMode: 'ProcessTree',
  }, { method: 'POST' });
  const r = await waitResult(bed, res.InvokeId);
  return { status: r.row.InvocationStatus, exitCode: r.row.ExitCode, output: r.output, result: parseRestoreResult(r.output) };
}

/** The steps a result timed, in the order they ran. */
export const stepsRun = (r: RestoreResult | undefined): string[] => Object.keys(r?.timingsMs ?? {});
