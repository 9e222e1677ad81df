import { join } from 'node:path';
import type { SandboxPart } from '#local/sandbox/boot';
import { ossFaults } from './oss-faults';
import { startOssEmulator } from './oss-emulator';

/** The sandbox's backup bucket (the ECS part's host mounts `<stateDir>/oss/<bucket>`, the same directory). */
export const SANDBOX_OSS_BUCKET = 'gitlab-backups';

/**
 * OSS emulator for `npm start`: objects under `<stateDir>/oss/<bucket>` (kept across restarts), signed with the
 * sandbox STS keys. Sets OSS_ENDPOINT, OSS_BUCKET, OSS_REGION; contributes the faults `oss-read` and `oss-lifecycle`.
 * Register before the ECS part, which mounts the bucket.
 */
export const ossSandboxPart: SandboxPart = {
  name: 'oss',
  async start(ctx) {
    const oss = await startOssEmulator({ credentials: [ctx.credentials], buckets: [SANDBOX_OSS_BUCKET], dataDir: join(ctx.stateDir, 'oss'), region: `oss-${ctx.region}` });
    return {
      env: { OSS_ENDPOINT: oss.url, OSS_BUCKET: SANDBOX_OSS_BUCKET, OSS_REGION: ctx.region },
      urls: { oss: oss.url },
      // The prefix the functions use (OSS_PREFIX from s.yaml unless the sandbox overrides it): the lifecycle fault covers it.
      faults: ossFaults(oss, SANDBOX_OSS_BUCKET, () => process.env.OSS_PREFIX ?? 'gitlab-backups/'),
      close: () => oss.close(),
    };
  },
};
