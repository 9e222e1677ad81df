import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxPart } from '#local/sandbox/boot';
import { hostFaults } from './host-faults';
import { restoreFaults } from './restore-faults';
import { startEcsEmulator } from './index';

/** Options of the ECS sandbox part. */
export interface EcsSandboxPartOptions {
  instanceId?: string;
  bucket?: string;
  /**
   * Directory of the OSS emulator's bucket (its `bucketDir(bucket)`), so backups written through the host's ossfs
   * mount are the objects OSS serves. Default: `<stateDir>/oss/<bucket>`.
   */
  bucketDir?: (bucket: string, stateDir: string) => string;
}

/**
 * The sandbox's GitLab ECS host + Cloud Assistant: sets ECS_ENDPOINT, ECS_REGION and BACKUP_INSTANCE_ID for the
 * functions, and contributes the host's named faults (agent-offline, mount-missing, mount-allow-other, ossfs-daemon,
 * disk-full, oss-write, gitlab-backup, gitlab-backup-hang, archive-size, keep-time, staging-owner, gitlab-rails-rc) and the
 * restore faults every emulated GitLab acts on (restore-fails, version-mismatch: restore-faults.ts). Register it in local/sandbox/boot.ts `sandboxParts` (after the OSS part, whose bucket it mounts).
 */
export function createEcsSandboxPart(opts: EcsSandboxPartOptions = {}): SandboxPart {
  return {
    name: 'ecs',
    async start(ctx) {
      const bucket = opts.bucket ?? 'gitlab-backups';
      const instanceId = opts.instanceId ?? 'i-sandboxgitlab01';
      const dir = (opts.bucketDir ?? ((b, s) => join(s, 'oss', b)))(bucket, ctx.stateDir);
      mkdirSync(dir, { recursive: true });
      const ecs = await startEcsEmulator({
        credentials: [ctx.credentials],
        // The host's database is the sandbox GitLab's (when the GitLab part runs): its backups hold what the API shows.
        hosts: [{ instanceId, bucket, mountBackingDir: dir, database: () => ctx.links?.gitlabDatabase?.() }],
        // A real agent picks commands up within a second or two; the sandbox keeps that visible but short.
        deliveryMs: 300,
        deliveryTimeoutMs: 5_000,
      });
      return {
        env: { ECS_ENDPOINT: ecs.url, ECS_REGION: ctx.region, BACKUP_INSTANCE_ID: instanceId },
        urls: { ecs: ecs.url },
        faults: [...hostFaults(ecs.host(instanceId), ecs.onInvocationDone), ...restoreFaults(ecs.host(instanceId), ctx.links ?? {}, ecs.onInvocationDone)],
        close: () => ecs.close(),
      };
    },
  };
}

/** The default ECS part for `sandboxParts`. */
export const ecsSandboxPart: SandboxPart = createEcsSandboxPart();
