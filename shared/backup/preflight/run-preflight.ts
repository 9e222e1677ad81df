import { runChecks, type Check, type CheckResult } from '#shared/checks/index';
import type { OssObjectInfo, OssPort } from '#shared/cloud/oss/index';
import type { Logger } from '#shared/log/index';
import type { Mailer } from '#shared/mail/index';
import type { Clock } from '#shared/runtime/index';
import type { EcsPort } from '../ecs-port';
import { inventory, listPrefix } from '../inventory';
import type { FixContext } from '../orchestrate/fix-hints';
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
  minFreeGiB: number;
}

/** Run `fn` once, on first call, and share its promise. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

/**
 * The backup preflight's checks (each also exported for `ops doctor`): agent online, ossfs mount with allow_other
 * and free space (one read-only RunCommand probe shared by both), OSS prefix readable, no lifecycle rule expiring
 * it, the mail sender usable. Nothing is written anywhere: no object, no host file, no mail.
 */
export function backupPreflightChecks(d: PreflightDeps, o: PreflightOptions): Check[] {
  const probe = once<HostProbe>(() => probeHost(d, { instanceId: o.instanceId, mountDir: o.mountDir, stagingDir: o.stagingDir }));
  const listing = once<OssObjectInfo[]>(() => d.oss.list(listPrefix(o.ossPrefix)));
  const lastArchive = async (): Promise<number | undefined> => {
    const newest = inventory(await listing(), o.ossPrefix).backups.find((b) => b.hasArchive);
    return newest ? (await listing()).find((x) => x.key === newest.keys.find((k) => k.endsWith('_gitlab_backup.tar')))?.size : undefined;
  };
  return [
    agentCheck(d.ecs, o.instanceId, o),
    mountCheck(probe, o),
    diskCheck(probe, lastArchive, o.minFreeGiB, o),
    ossReadCheck(d.oss, listing, { ...o, ossPrefix: o.ossPrefix }),
    lifecycleCheck(d.oss, o),
    mailSenderCheck(d.mail),
  ];
}

/** Run the preflight: one CheckResult per check, failures with their fix. */
export async function runBackupPreflight(d: PreflightDeps, o: PreflightOptions): Promise<CheckResult[]> {
  return runChecks(backupPreflightChecks(d, o));
}
