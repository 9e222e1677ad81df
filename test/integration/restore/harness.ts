import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupScriptConfigFromEnv } from '#shared/backup/script/index';
import { loadConfig } from '#shared/config/index';
import { createGitlabPort, type GitlabPort } from '#shared/gitlab/api/index';
import { createNotifier, mailChannel, type Channel } from '#shared/notify/index';
import { restoreScriptConfigFromEnv } from '#shared/restore/script/index';
import { runRestore, type RestoreDeps, type RestoreOptions } from '#shared/restore/run-restore';
import type { RestoreReport } from '#shared/restore/restore-report';
import { systemClock } from '#shared/runtime/index';
import { startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import type { EmulatedHost } from '#local/ecs/index';
import { BUCKET, configPrefixOf, newRunKey, prefixOf, startBackupBed, type BackupBed } from '../backup/harness';

/** The backup bed (OSS, ECS, DirectMail) plus a GitLab emulator answering GET /metadata as the live instance. */
export interface RestoreBed extends BackupBed {
  gl: GitlabEmulator;
  gitlab: GitlabPort;
  /** A verified backup on `host`: its name. */
  backup(host: EmulatedHost): Promise<string>;
  /** `ports` wraps the OSS and ECS ports the restore gets (a refusal the emulators do not make). */
  restore(host: EmulatedHost, o: Partial<RestoreOptions> & { backup: string; channels?: Channel[]; gitlab?: Pick<GitlabPort, 'metadata'> | null; ports?: Partial<Pick<RestoreDeps, 'oss' | 'ecs'>> }): Promise<RestoreReport>;
  /** Restore-script invocations (not probes) on a host. */
  restoreRuns(host: EmulatedHost): number;
  /** Every command sent to a host (probes included). */
  commands(host: EmulatedHost): string[];
  /** Remove an object of a host's backup from the bucket ('record' = its verified record, 'config' = the /etc/gitlab archive). */
  remove(host: EmulatedHost, name: string, what: 'record' | 'config'): void;
}

export async function startRestoreBed(version = '17.5.1-ee'): Promise<RestoreBed> {
  const bed = await startBackupBed();
  const gl = await startGitlabEmulator({ token: 'restore-test-token', projects: [{ path: 'demo/app', files: { 'README.md': 'x' } }], version });
  const gitlab = createGitlabPort({ url: gl.url, token: 'restore-test-token', attempts: 1 });
  const env = (host: EmulatedHost) => loadConfig({ OSS_PREFIX: prefixOf(host), BACKUP_CONFIG_PREFIX: configPrefixOf(host), BACKUP_TIMEOUT_SECONDS: '60', BACKUP_MIN_FREE_GIB: '1' }).env;
  return {
    ...bed, gl, gitlab,
    async backup(host) {
      const r = await bed.run(host);
      if (r.status !== 'verified') throw new Error(`backup not verified: ${r.cause}`);
      return r.name;
    },
    restore: (host, o) => {
      const channels = o.channels ?? [mailChannel(bed.ports.mail)];
      const notifier = createNotifier({ channels, clock: systemClock, log: bed.log, remindHours: 24, dryRun: o.dryRun ?? false });
      const e = env(host);
      return runRestore(
        { ecs: bed.ports.ecs, oss: bed.ports.oss, ...o.ports, ...(o.gitlab === null ? {} : { gitlab: o.gitlab ?? gitlab }), notifier, clock: systemClock, log: bed.log },
        {
          dryRun: false, instanceId: host.instanceId, mode: e.BACKUP_MODE, prefixes: { ossPrefix: e.OSS_PREFIX, configPrefix: e.BACKUP_CONFIG_PREFIX }, where: `oss://${BUCKET}/${e.OSS_PREFIX}`,
          script: (run) => restoreScriptConfigFromEnv(e, run), minFreeGiB: 1, timeoutSec: backupScriptConfigFromEnv(e).timeoutSec,
          runKey: newRunKey(), deadline: new Date(Date.now() + 30_000), pollFirstMs: 50, ...o,
        },
      );
    },
    restoreRuns: (host) => bed.ecs.invocations.filter((i) => i.instanceId === host.instanceId && i.name.startsWith('gitlab-ask-ops-restore-') && i.name !== 'gitlab-ask-ops-restore-preflight').length,
    commands: (host) => bed.ecs.invocations.filter((i) => i.instanceId === host.instanceId && !i.name.startsWith('gitlab-ask-ops-backup-')).map((i) => i.name),
    remove(host, name, what) {
      const dir = bed.oss.bucketDir(BUCKET);
      rmSync(what === 'record' ? join(dir, prefixOf(host), 'verified', `${name}.json`) : join(dir, configPrefixOf(host), `${name}_gitlab_config.tar`));
    },
    close: async () => {
      await gl.close();
      await bed.close();
    },
  };
}

/**
 * Turn a backup's /etc/gitlab archive into one made before BACKUP_CONFIG_PREFIX (docs/adr/0022 §8): next to the data,
 * holding only gitlab-secrets.json and gitlab.rb at its top level (`tar -C /etc/gitlab -cf … gitlab-secrets.json
 * gitlab.rb`, as the backup script wrote it then); the archive under the config prefix is removed.
 */
export function makePre0022Config(bucketDir: string, dataPrefix: string, configPrefix: string, name: string): void {
  const now = join(bucketDir, configPrefix, `${name}_gitlab_config.tar`);
  const tmp = mkdtempSync(join(tmpdir(), 'pre-0022-'));
  const run = (args: string[]): void => {
    const r = spawnSync('tar', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tar ${args.join(' ')}: ${r.stderr}`);
  };
  try {
    run(['-C', tmp, '-xf', now, 'etc/gitlab/gitlab-secrets.json', 'etc/gitlab/gitlab.rb']);
    run(['-C', join(tmp, 'etc/gitlab'), '-cf', join(bucketDir, dataPrefix, `${name}_gitlab_config.tar`), 'gitlab-secrets.json', 'gitlab.rb']);
    rmSync(now);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
