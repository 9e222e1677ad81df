import { failed, ok, type Check } from '#shared/checks/index';
import type { OssObjectInfo, OssPort } from '#shared/cloud/oss/index';
import { isAppError } from '#shared/errors/index';
import { inventory, isVerified, listPrefix, verifiedRecordKey, type BackupPrefixes } from '../inventory';
import { fixFor, type FixContext } from '../orchestrate/fix-hints';

const code = (e: unknown): string | undefined => (isAppError(e) ? (e.details?.ossCode as string | undefined) : undefined);

/**
 * `oss.read`: the functions' credentials can list the backup prefix and read an object under it (the newest verified
 * record; with none yet, a HEAD of a key that does not exist, which answers 404 to a reader and 403 to anyone else).
 * Without this the worker cannot verify a backup, and unverified backups never count toward BACKUP_KEEP_MIN.
 */
export function ossReadCheck(oss: OssPort, listing: () => Promise<OssObjectInfo[]>, ctx: FixContext & BackupPrefixes): Check {
  return {
    id: 'oss.read',
    service: 'oss',
    async run() {
      const where = `oss://${oss.bucket}/${listPrefix(ctx.ossPrefix)}`;
      let objects: OssObjectInfo[];
      try {
        objects = await listing();
      } catch (e) {
        return failed(`cannot list ${where}: ${(e as Error).message}`, code(e) === 'AccessDenied' ? `grant the function's RAM role oss:ListObjects on acs:oss:*:*:${oss.bucket} with oss:Prefix ${listPrefix(ctx.ossPrefix)}* (infra/ram-policy.json)` : undefined);
      }
      // With the config prefix: a backup is verified only with its /etc/gitlab archive, which may live there.
      const newest = inventory(objects, { ossPrefix: ctx.ossPrefix, configPrefix: ctx.configPrefix }).backups.find(isVerified);
      const key = newest ? verifiedRecordKey(ctx.ossPrefix, newest.name) : `${listPrefix(ctx.ossPrefix)}.gitlab-ask-ops-read-check`;
      try {
        if (newest) await oss.getText(key);
        else await oss.head(key);
      } catch (e) {
        return failed(`cannot read ${key} with the function's credentials: ${(e as Error).message}`, code(e) === 'AccessDenied' ? fixFor('oss.read', ctx) : undefined);
      }
      return ok(`${where} is listable and readable (${objects.length} objects${newest ? `, newest verified ${newest.name}` : ', no verified backup yet'})`);
    },
  };
}

/**
 * `oss.lifecycle`: no enabled lifecycle rule expires objects under the backup prefix or BACKUP_CONFIG_PREFIX — a rule
 * would delete backups behind retention's back, verified or not (an expired /etc/gitlab archive makes its backup
 * unverified, and retention then removes the data too). A rule's prefix overlaps when either prefix contains the
 * other ('' = all).
 */
export function lifecycleCheck(oss: OssPort, ctx: BackupPrefixes): Check {
  return {
    id: 'oss.lifecycle',
    service: 'oss',
    async run() {
      let rules;
      try {
        rules = await oss.lifecycle();
      } catch (e) {
        return failed(`cannot read the lifecycle rules of ${oss.bucket}: ${(e as Error).message}`, code(e) === 'AccessDenied' ? `grant the function's RAM role oss:GetBucketLifecycle on acs:oss:*:*:${oss.bucket} (infra/ram-policy.json)` : undefined);
      }
      const prefixes = [...new Set([ctx.ossPrefix, ...(ctx.configPrefix === undefined ? [] : [ctx.configPrefix])].map(listPrefix))];
      const covers = (r: { prefix: string }): boolean => prefixes.some((p) => p.startsWith(r.prefix) || r.prefix.startsWith(p));
      const bad = rules.filter((r) => r.enabled && (r.expirationDays !== undefined || r.expirationDate) && covers(r));
      const prefix = prefixes.map((p) => p || 'the bucket root').join(' and ');
      if (bad.length === 0) return ok(rules.length ? `${rules.length} lifecycle rule(s), none expires ${prefix}` : `no lifecycle rules on ${oss.bucket}`);
      const what = bad.map((r) => `rule "${r.id}" expires "${r.prefix || '(whole bucket)'}" ${r.expirationDays !== undefined ? `after ${r.expirationDays} days` : `created before ${r.expirationDate}`}`).join('; ');
      return failed(`${what}: OSS would delete backups under ${prefix} whether or not they are verified`, `remove or narrow the rule in the OSS console (Bucket → Lifecycle) so it does not cover ${prefix}; gitlab-ask-ops applies retention itself (BACKUP_KEEP_MIN/BACKUP_KEEP_DAYS)`);
    },
  };
}
