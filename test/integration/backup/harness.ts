import { DEFAULT_BACKUP_SCRIPT_CONFIG } from '#shared/backup/script/index';
import { createEcsPort, ECS_API_VERSION, runBackup, type BackupReport, type BackupRunOptions, type EcsPort } from '#shared/backup/index';
import { createOssPort, type OssPort } from '#shared/cloud/oss/index';
import { createRpcClient } from '#shared/cloud/pop/index';
import { memoryLogger } from '#shared/log/index';
import { createMailer, type Mailer } from '#shared/mail/index';
import { systemClock, type Clock } from '#shared/runtime/index';
import { startEcsEmulator, type EcsEmulator, type EmulatedHost } from '#local/ecs/index';
import { startOssEmulator, type OssEmulator } from '#local/oss/index';
import { startDirectMailEmulator, type DmMail, type PopEmulator } from '#local/pop/index';

/** The shared STS keys every emulator accepts (as the sandbox hands out). */
export const STS = { accessKeyId: 'STS.backupTest', accessKeySecret: 'backup-test-secret', securityToken: 'backup-test-token' };
export const BUCKET = 'gitlab-backups';
export const SENDER = 'ops@mail.example.com';

/** OSS + ECS (host mounting the OSS bucket dir) + DirectMail emulators, and real ports over them. */
export interface BackupBed {
  oss: OssEmulator;
  ecs: EcsEmulator;
  dm: PopEmulator & { outbox: DmMail[] };
  ports: { oss: OssPort; ecs: EcsPort; mail: Mailer };
  log: ReturnType<typeof memoryLogger>;
  addHost(): EmulatedHost;
  /** runBackup on `host` with fast polling and a generous deadline unless overridden. */
  run(host: EmulatedHost, o?: Partial<BackupRunOptions> & { ecs?: EcsPort; oss?: OssPort; clock?: Clock }): Promise<BackupReport>;
  close(): Promise<void>;
}

let seq = 0;
let keySeq = 0;

/** A fresh run key: every `run` is a new invocation unless the test passes the same key (an FC retry). */
export const newRunKey = (): string => `request/test-${process.pid}-${++keySeq}`;

/** Each host backs up under its own prefix (its instance id), so tests sharing the bucket never see each other's runs. */
export const prefixOf = (host: EmulatedHost): string => `${host.instanceId}/`;
/** Each host's /etc/gitlab archives, apart from its data (BACKUP_CONFIG_PREFIX). */
export const configPrefixOf = (host: EmulatedHost): string => `${host.instanceId}-config/`;

export async function startBackupBed(): Promise<BackupBed> {
  const oss = await startOssEmulator({ credentials: [STS], buckets: [BUCKET] });
  const ecs = await startEcsEmulator({ credentials: [STS], deliveryMs: 10, deliveryTimeoutMs: 100 });
  const dm = await startDirectMailEmulator({ credentials: [STS], senders: [SENDER] });
  const log = memoryLogger('warn');
  const credentials = () => STS;
  const ports = {
    oss: createOssPort({ bucket: BUCKET, region: 'ap-northeast-2', endpoint: oss.url, credentials }),
    ecs: createEcsPort(createRpcClient({ endpoint: ecs.url, apiVersion: ECS_API_VERSION, credentials, retry: false }), 'ap-northeast-2'),
    mail: createMailer({ rpc: createRpcClient({ endpoint: dm.url, apiVersion: '2015-11-23', credentials, retry: false }), from: SENDER, to: ['team@example.com'], log }),
  };
  return {
    oss, ecs, dm, ports, log,
    addHost: () => ecs.addHost({ instanceId: `i-gitlabbk${++seq}`, bucket: BUCKET, mountBackingDir: oss.bucketDir(BUCKET) }),
    run: (host, o = {}) =>
      runBackup(
        { ecs: o.ecs ?? ports.ecs, oss: o.oss ?? ports.oss, mail: ports.mail, clock: o.clock ?? systemClock, log },
        {
          instanceId: host.instanceId,
          script: { ...DEFAULT_BACKUP_SCRIPT_CONFIG, ossPrefix: prefixOf(host), configPrefix: configPrefixOf(host), timeoutSec: 60 },
          retention: { keepMin: 3, keepDays: 7, keepLabelled: true },
          timeoutSec: 60,
          runKey: newRunKey(),
          startedAt: new Date(),
          deadline: new Date(Date.now() + 30_000),
          dryRun: false,
          pollFirstMs: 50,
          fix: { bucket: BUCKET, ossRegion: 'ap-northeast-2' },
          ...o,
        },
      ),
    close: async () => {
      await ecs.close();
      await oss.close();
      await dm.close();
    },
  };
}

/**
 * An ECS port that runs `mutate(runName)` once, when the invocation is first seen finished: "the bucket changed after
 * the host wrote it". The run name is read back from the invocation's command name.
 */
export function mutateAfterHost(bed: Pick<BackupBed, 'ports' | 'ecs'>, mutate: (runName: string) => void): EcsPort {
  let done = false;
  const ecs = bed.ports.ecs;
  return {
    ...ecs,
    invocationResult: async (id, inst) => {
      const r = await ecs.invocationResult(id, inst);
      if (r?.status === 'Success' && !done) {
        done = true;
        mutate(bed.ecs.invocations.find((i) => i.invokeId === id)!.name.replace(/^gitlab-ask-ops-backup-/, ''));
      }
      return r;
    },
  };
}

/** Backup invocations (not preflight probes) on a host. */
export const backupRuns = (bed: Pick<BackupBed, 'ecs'>, host: EmulatedHost) => bed.ecs.invocations.filter((i) => i.instanceId === host.instanceId && i.name.startsWith('gitlab-ask-ops-backup-'));
