import { agentCheck, diskCheck, fixFor, fstabLine, keepTimeCheck, lifecycleCheck, mailSenderCheck, mountCheck, ossfsPartsCheck, ossReadCheck, stagingCheck, type FixContext } from '#shared/backup/index';
import { failed, ok } from '#shared/checks/index';
import type { DoctorContext } from '../context';
import { doctorCheck, gates, reuse } from '../doctor-check';

/** The names a fix text may use (the preflight's FixContext), from this configuration. */
function fixContext(ctx: DoctorContext): FixContext & { ossPrefix: string; configPrefix: string; instanceId: string } {
  const e = ctx.config().env;
  return {
    mountDir: e.BACKUP_MOUNT_DIR, stagingDir: e.BACKUP_STAGING_DIR, ossPrefix: e.OSS_PREFIX, configPrefix: e.BACKUP_CONFIG_PREFIX, instanceId: e.BACKUP_INSTANCE_ID ?? '',
    ...(e.OSS_BUCKET ? { bucket: e.OSS_BUCKET } : {}), ossRegion: e.OSS_REGION ?? e.FC_REGION,
  };
}

// The backup preflight's own checks (shared/backup/preflight), built with this run's ports and one shared host probe.
export const ecsAgent = reuse('ecs.agent', 'ecs', { gate: gates.instance, build: (ctx) => agentCheck(ctx.ecs(), ctx.config().env.BACKUP_INSTANCE_ID!, fixContext(ctx)) });
export const hostMount = reuse('host.mount', 'host', { needs: ['ecs.agent'], gate: gates.instance, build: (ctx) => mountCheck(() => ctx.hostProbe(), fixContext(ctx)) });
export const hostDisk = reuse('host.disk', 'host', {
  needs: ['ecs.agent'],
  gate: gates.instance,
  build: (ctx) => diskCheck(() => ctx.hostProbe(), () => (ctx.config().env.OSS_BUCKET ? ctx.lastArchiveBytes() : Promise.resolve(undefined)), ctx.config().env.BACKUP_MIN_FREE_GIB, fixContext(ctx)),
});
export const hostOssfsParts = reuse('host.ossfs-parts', 'host', {
  needs: ['ecs.agent'],
  gate: gates.instance,
  build: (ctx) => ossfsPartsCheck(() => ctx.hostProbe(), () => (ctx.config().env.OSS_BUCKET ? ctx.lastArchiveBytes() : Promise.resolve(undefined)), fixContext(ctx)),
});
export const hostKeepTime = reuse('host.keep-time', 'host', { needs: ['ecs.agent'], gate: gates.instance, build: (ctx) => keepTimeCheck(() => ctx.hostProbe(), ctx.config().env.BACKUP_MODE, fixContext(ctx)) });
export const hostStaging = reuse('host.staging', 'host', { needs: ['ecs.agent'], gate: gates.instance, build: (ctx) => stagingCheck(() => ctx.hostProbe(), ctx.config().env.BACKUP_MODE, fixContext(ctx)) });
export const ossRead = reuse('oss.read', 'oss', { gate: gates.bucket, build: (ctx) => ossReadCheck(ctx.oss(), () => ctx.ossListing(), fixContext(ctx)) });
export const ossLifecycle = reuse('oss.lifecycle', 'oss', { gate: gates.bucket, build: (ctx) => lifecycleCheck(ctx.oss(), fixContext(ctx)) });
export const mailSender = reuse('mail.sender', 'directmail', { gate: gates.mail, build: (ctx) => mailSenderCheck(ctx.mail()) });

/**
 * `host.fstab`: /etc/fstab mounts the backup dir with ossfs and allow_other, so the mount comes back after a reboot
 * with the rights the git user needs (ossfs README, main-v1: `bucket /mnt fuse.ossfs _netdev,allow_other,url=… 0 0`).
 */
export const hostFstab = doctorCheck({
  id: 'host.fstab',
  service: 'host',
  needs: ['ecs.agent'],
  gate: gates.instance,
  async run(ctx) {
    const c = fixContext(ctx);
    const p = await ctx.hostProbe();
    const [type = '', options = ''] = p.fstab.split(' ');
    const add = `put \`${fstabLine(c)}\` in /etc/fstab (credentials in /etc/passwd-ossfs, mode 640)`;
    if (!p.fstab) return failed(`/etc/fstab has no line for ${c.mountDir}: the mount is gone after the next reboot`, add);
    if (type !== 'fuse.ossfs' && type !== 'fuse.ossfs2') return failed(`/etc/fstab mounts ${c.mountDir} as ${type}, not ossfs`, add);
    if (!`,${options},`.includes(',allow_other,') && type === 'fuse.ossfs') return failed(`/etc/fstab mounts ${c.mountDir} without allow_other: after a remount the git user cannot write`, fixFor('no_allow_other', c)!);
    return ok(`/etc/fstab mounts ${c.mountDir} as ${type} (${options})`);
  },
});
