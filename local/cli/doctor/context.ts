import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ecsPortFromConfig, gitlabDirOf, inventory, listBackupObjects, probeHost, type BackupPrefixes, type EcsPort, type HostProbe } from '#shared/backup/index';
import { ossPortFromConfig, type OssObjectInfo, type OssPort } from '#shared/cloud/oss/index';
import { loadConfig, type Config } from '#shared/config/index';
import { createGitlabPort, type GitlabPort } from '#shared/gitlab/api/index';
import { silentLogger } from '#shared/log/index';
import { createMailPort, type Mailer } from '#shared/mail/index';
import { systemClock } from '#shared/runtime/clock';
import { loadSYaml, type FunctionSpec } from '#local/runtime/s-yaml';
import { createFcReader, type FcReader } from '../ops/fc-reader';
import { createKubeProbe, type KubeProbe } from './kube-probe';
import { credentialsFrom, type CloudCredentials } from '#shared/runtime/credentials';

const REPO_S_YAML = fileURLToPath(new URL('../../../s.yaml', import.meta.url));
/** The webhook function of s.yaml (its HTTP trigger is the URL GitLab's hooks must post to). */
export const WEBHOOK_FUNCTION = 'gitlab-webhook';

/**
 * What every doctor check may use, built lazily and once: a check that is skipped never builds its client, and
 * checks sharing a call (the host probe, the OSS listing, the trigger URL) share its answer.
 */
export interface DoctorContext {
  env: Record<string, string | undefined>;
  cwd: string;
  /** The parsed configuration; throws CONFIG_INVALID (every check but config.valid needs it to be ok). */
  config(): Config;
  credentials(): CloudCredentials | undefined;
  once<T>(key: string, fn: () => Promise<T>): Promise<T>;
  gitlab(): GitlabPort;
  /** FC API reader; undefined when FC_ACCOUNT_ID (or FC_ENDPOINT) is not set. */
  fc(): FcReader | undefined;
  /** s.yaml's functions, resolved with this environment (S_YAML overrides the repository's). */
  functions(): Promise<FunctionSpec[]>;
  kube(): Promise<KubeProbe>;
  oss(): OssPort;
  ecs(): EcsPort;
  mail(): Mailer;
  /** The read-only RunCommand probe of the GitLab host (mount, fstab, free space), run once. */
  hostProbe(): Promise<HostProbe>;
  /** The objects under the backup prefix, listed once. */
  ossListing(): Promise<OssObjectInfo[]>;
  lastArchiveBytes(): Promise<number | undefined>;
}

export function createDoctorContext(shell: Record<string, string | undefined>, cwd: string): DoctorContext {
  // The region s deploy used (FC_DEPLOY_REGION) is the functions' FC_REGION, unless the shell names FC_REGION itself.
  const env = shell.FC_REGION || !shell.FC_DEPLOY_REGION ? shell : { ...shell, FC_REGION: shell.FC_DEPLOY_REGION };
  const memo = new Map<string, unknown>();
  const lazy = <T>(key: string, fn: () => T): T => {
    if (!memo.has(key)) memo.set(key, fn());
    return memo.get(key) as T;
  };
  const prefixes = (): BackupPrefixes => ({ ossPrefix: ctx.config().env.OSS_PREFIX, configPrefix: ctx.config().env.BACKUP_CONFIG_PREFIX });
  const ctx: DoctorContext = {
    env,
    cwd,
    config: () => lazy('config', () => loadConfig(env)),
    credentials: () => credentialsFrom(undefined, ctx.config().env),
    once: (key, fn) => lazy(`once:${key}`, fn),
    gitlab: () => lazy('gitlab', () => {
      const e = ctx.config().env;
      return createGitlabPort({ url: e.GITLAB_URL!, token: e.GITLAB_TOKEN!, timeoutMs: e.GITLAB_TIMEOUT_MS, concurrency: e.GITLAB_CONCURRENCY, log: silentLogger });
    }),
    fc: () => lazy('fc', () => {
      const e = ctx.config().env;
      if (!e.FC_ACCOUNT_ID && !e.FC_ENDPOINT) return undefined;
      return createFcReader({ accountId: e.FC_ACCOUNT_ID ?? '0', region: e.FC_REGION, ...(e.FC_ENDPOINT ? { endpoint: e.FC_ENDPOINT } : {}), credentials: () => ctx.credentials() });
    }),
    functions: () => ctx.once('functions', () => {
      const e = ctx.config().env;
      return loadSYaml(env.S_YAML ? resolve(cwd, env.S_YAML) : REPO_S_YAML, { env, ...(e.FC_ACCOUNT_ID ? { accountId: e.FC_ACCOUNT_ID } : {}) });
    }),
    kube: () => ctx.once('kube', () => createKubeProbe(ctx.config(), () => ctx.credentials())),
    oss: () => lazy('oss', () => ossPortFromConfig({ config: ctx.config(), credentials: () => ctx.credentials() })),
    ecs: () => lazy('ecs', () => ecsPortFromConfig({ config: ctx.config(), credentials: () => ctx.credentials() })),
    mail: () => lazy('mail', () => createMailPort({ config: ctx.config(), log: silentLogger, credentials: () => ctx.credentials() })),
    hostProbe: () => ctx.once('probe', () => {
      const e = ctx.config().env;
      return probeHost({ ecs: ctx.ecs(), clock: systemClock, log: silentLogger }, { instanceId: e.BACKUP_INSTANCE_ID!, mountDir: e.BACKUP_MOUNT_DIR, stagingDir: e.BACKUP_STAGING_DIR, gitlabDir: gitlabDirOf({ mode: e.BACKUP_MODE, stagingDir: e.BACKUP_STAGING_DIR, mountDir: e.BACKUP_MOUNT_DIR, ossPrefix: e.OSS_PREFIX }) });
    }),
    // The data and the config prefix, as the worker lists them: without the latter no backup counts as verified.
    ossListing: () => ctx.once('listing', () => listBackupObjects(ctx.oss(), prefixes())),
    async lastArchiveBytes() {
      const objects = await ctx.ossListing();
      const newest = inventory(objects, prefixes()).backups.find((b) => b.hasArchive);
      return newest ? objects.find((x) => x.key === newest.keys.find((k) => k.endsWith('_gitlab_backup.tar')))?.size : undefined;
    },
  };
  return ctx;
}
