import { runChecks, type Check, type CheckResult } from '#shared/checks/index';
import type { OssObjectInfo, OssPort } from '#shared/cloud/oss/index';
import type { Logger } from '#shared/log/index';
import type { Mailer } from '#shared/mail/index';
import type { Clock } from '#shared/runtime/index';
import type { EcsPort } from '../ecs-port';
import { inventory, listBackupObjects } from '../inventory';
import type { FixContext } from '../orchestrate/fix-hints';
import { prefixDir } from '../script/index';
import { keepTimeCheck, ossfsPartsCheck, stagingCheck } from './gitlab-host-checks';
import { agentCheck, diskCheck, mountCheck } from './host-checks';
import { probeHost, type HostProbe } from './host-probe';
import { mailSenderCheck } from './mail-check';
import { lifecycleCheck, ossReadCheck } from './oss-checks';

export interface PreflightDeps {
  ecs: EcsPort;
  oss: OssPort;
  mail: Mailer;
  clock: Clock;
  log: Logger;
}

export interface PreflightOptions extends FixContext {
  instanceId: string;
  ossPrefix: string;
  /** BACKUP_CONFIG_PREFIX: listed with the data (inventory). */
  configPrefix: string | undefined;
  minFreeGiB: number;
  /** BACKUP_MODE (default staged): where GitLab writes, and whether its own pruning matters. */
  mode?: 'staged' | 'direct';
}

/** The directory gitlab-backup writes: the staging dir, or in direct mode the prefix dir on the mount. */
export function gitlabDirOf(o: { mode?: 'staged' | 'direct'; stagingDir: string; mountDir: string; ossPrefix: string }): string {
  const sub = prefixDir(o.ossPrefix);
  return o.mode === 'direct' ? `${o.mountDir.replace(/\/+$/, '')}${sub ? `/${sub}` : ''}` : o.stagingDir;
}

/** Run `fn` once, on first call, and share its promise. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

/**
 * The backup preflight's checks (each also exported for `ops doctor`): agent online, ossfs mount with allow_other,
 * free space, ossfs' part limit against the last archive, GitLab's own pruning off where it would hit the mount, git
 * able to write where GitLab writes (one read-only RunCommand probe shared by all), OSS prefix readable, no lifecycle
 * rule expiring it, the mail sender usable. Nothing is written anywhere: no object, no host file, no mail.
 */
export function backupPreflightChecks(d: PreflightDeps, o: PreflightOptions): Check[] {
  const mode = o.mode ?? 'staged';
  const probe = once<HostProbe>(() => probeHost(d, { instanceId: o.instanceId, mountDir: o.mountDir, stagingDir: o.stagingDir, gitlabDir: gitlabDirOf({ ...o, mode }) }));
  const listing = once<OssObjectInfo[]>(() => listBackupObjects(d.oss, o));
  const lastArchive = async (): Promise<number | undefined> => {
    const newest = inventory(await listing(), o).backups.find((b) => b.hasArchive);
    return newest ? (await listing()).find((x) => x.key === newest.keys.find((k) => k.endsWith('_gitlab_backup.tar')))?.size : undefined;
  };
  return [
    agentCheck(d.ecs, o.instanceId, o),
    mountCheck(probe, o),
    diskCheck(probe, lastArchive, o.minFreeGiB, o),
    ossfsPartsCheck(probe, lastArchive, o),
    keepTimeCheck(probe, mode, o),
    stagingCheck(probe, mode, o),
    ossReadCheck(d.oss, listing, o),
    lifecycleCheck(d.oss, o),
    mailSenderCheck(d.mail),
  ];
}

/** Run the preflight: one CheckResult per check, failures with their fix. */
export async function runBackupPreflight(d: PreflightDeps, o: PreflightOptions): Promise<CheckResult[]> {
  return runChecks(backupPreflightChecks(d, o));
}
