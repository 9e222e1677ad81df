import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRpcClient, type RpcClient } from '#shared/cloud/pop/index';
import { DEFAULT_BACKUP_SCRIPT_CONFIG, parseBackupResult, renderBackupScript, type BackupResult, type BackupScriptConfig } from '#shared/backup/script/index';
import { ECS_SANDBOX_CREDENTIAL, startEcsEmulator, type EcsEmulator, type EmulatedHostOptions } from '#local/ecs/index';

/** One DescribeInvocationResults row, as the real API shapes it. */
export interface InvocationResultRow {
  InstanceId: string;
  InvokeId: string;
  CommandId: string;
  InvocationStatus: string;
  InvokeRecordStatus: string;
  ExitCode: number;
  Output: string;
  Dropped: number;
  ErrorCode: string;
  ErrorInfo: string;
  StartTime: string;
  FinishedTime: string;
}

/** Emulator + pop-core client + a bucket directory standing in for the OSS emulator's. */
export interface Bed {
  ecs: EcsEmulator;
  rpc: RpcClient;
  bucketDir: string;
  close(): Promise<void>;
}

/** Start the ECS emulator (random port) with a pop-core client and an empty bucket directory. */
export async function startBed(): Promise<Bed> {
  const bucketDir = mkdtempSync(join(tmpdir(), 'bucket-'));
  const ecs = await startEcsEmulator();
  const rpc = createRpcClient({ endpoint: ecs.url, apiVersion: '2014-05-26', credentials: () => ECS_SANDBOX_CREDENTIAL, retry: false });
  return {
    ecs, rpc, bucketDir,
    close: async () => {
      await ecs.close();
      rmSync(bucketDir, { recursive: true, force: true });
    },
  };
}

let hostSeq = 0;
/** A fresh GitLab host on the bed (its own scratch root; all hosts share the bucket). */
export function addHost(bed: Bed, opts: Partial<EmulatedHostOptions> = {}) {
  return bed.ecs.addHost({ instanceId: `i-gitlab${++hostSeq}`, mountBackingDir: bed.bucketDir, ...opts });
}

/** An epoch-prefixed run name `days` days ago. */
export function nameDaysAgo(days: number, now = Date.now()): string {
  const t = Math.floor(now / 1000) - Math.round(days * 86_400);
  const d = new Date(t * 1000).toISOString().slice(0, 10).replace(/-/g, '_');
  return `${t}_${d}`;
}

/** Put an earlier backup under `prefix` in the bucket (verified = with a manifest). */
export function seedBackup(bed: Bed, prefix: string, name: string, verified: boolean): void {
  const dir = join(bed.bucketDir, prefix);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}_gitlab_backup.tar`), `old archive ${name}`);
  writeFileSync(join(dir, `${name}_gitlab_config.tar`), 'old config');
  if (verified) writeFileSync(join(dir, `${name}_gitlab_backup.manifest.json`), JSON.stringify({ name }));
}

/** Names of the backups (archives) under `prefix` in the bucket. */
export function backupsIn(bed: Bed, prefix: string): string[] {
  const dir = join(bed.bucketDir, prefix);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('_gitlab_backup.tar')).map((f) => f.replace(/_gitlab_backup\.tar$/, '')).sort();
}

/** A finished invocation: its result row, the decoded Output and the parsed result line. */
export interface RunOutcome {
  row: InvocationResultRow;
  output: string;
  result: BackupResult | undefined;
}

/** Start the backup script on a host via RunCommand (POST: the Base64 script is ~15 KB). */
export async function runCommand(bed: Bed, instanceId: string, cfg: Partial<BackupScriptConfig> = {}, opts: { timeout?: number; params?: Record<string, string>; name?: string; terminationMode?: 'Process' | 'ProcessTree' } = {}): Promise<string> {
  // Each test's /etc/gitlab archives go next to its own prefix, so tests sharing the bucket never collide.
  const configPrefix = cfg.configPrefix ?? `${(cfg.ossPrefix ?? DEFAULT_BACKUP_SCRIPT_CONFIG.ossPrefix).replace(/\/+$/, '') || 'root'}-config/`;
  const script = renderBackupScript({ ...DEFAULT_BACKUP_SCRIPT_CONFIG, runName: nameDaysAgo(0), timeoutSec: opts.timeout ?? 60, ...cfg, configPrefix });
  const res = await bed.rpc.request<{ InvokeId: string; CommandId: string }>('RunCommand', {
    RegionId: 'ap-northeast-2',
    Type: 'RunShellScript',
    CommandContent: Buffer.from(script).toString('base64'),
    ContentEncoding: 'Base64',
    InstanceId: [instanceId],
    Timeout: opts.timeout ?? 60,
    Name: opts.name ?? 'gitlab-ask-ops-backup',
    Username: 'root',
    ...(opts.terminationMode ? { TerminationMode: opts.terminationMode } : {}),
    ...(opts.params ? { EnableParameter: true, Parameters: JSON.stringify(opts.params) } : {}),
  }, { method: 'POST' });
  return res.InvokeId;
}

/** Poll DescribeInvocationResults (Base64 output, the default) until the invocation is terminal. */
export async function waitResult(bed: Bed, invokeId: string, seen?: Set<string>): Promise<RunOutcome> {
  for (;;) {
    const body = await bed.rpc.request<{ Invocation: { InvocationResults: { InvocationResult: InvocationResultRow[] } } }>(
      'DescribeInvocationResults', { RegionId: 'ap-northeast-2', InvokeId: invokeId }, { idempotent: true },
    );
    const row = body.Invocation.InvocationResults.InvocationResult[0]!;
    seen?.add(row.InvocationStatus);
    if (!['Pending', 'Running'].includes(row.InvocationStatus)) {
      const output = Buffer.from(row.Output, 'base64').toString('utf8');
      return { row, output, result: parseBackupResult(output) };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** RunCommand + wait. */
export async function runBackup(bed: Bed, instanceId: string, cfg: Partial<BackupScriptConfig> = {}, opts: { timeout?: number; terminationMode?: 'Process' | 'ProcessTree' } = {}): Promise<RunOutcome> {
  return waitResult(bed, await runCommand(bed, instanceId, cfg, opts));
}
