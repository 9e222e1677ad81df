import { failed, ok, type Check } from '#shared/checks/index';
import type { EcsPort } from '../ecs-port';
import { fixFor, type FixContext } from '../orchestrate/fix-hints';
import type { HostProbe } from './host-probe';

/**
 * `ecs.agent`: DescribeCloudAssistantStatus says the agent on the GitLab host is online — RunCommand needs it
 * ("run commands only when CloudAssistantStatus is true", DescribeCloudAssistantStatus API reference).
 */
export function agentCheck(ecs: EcsPort, instanceId: string, ctx: FixContext): Check {
  return {
    id: 'ecs.agent',
    service: 'ecs',
    async run() {
      const s = await ecs.agentStatus(instanceId);
      if (!s) return failed(`DescribeCloudAssistantStatus does not list ${instanceId}`, `check BACKUP_INSTANCE_ID and ECS_REGION (the instance must exist in that region)`);
      const hb = s.lastHeartbeat ? `, last heartbeat ${s.lastHeartbeat.toISOString()}` : '';
      if (s.online) return ok(`Cloud Assistant agent on ${instanceId} is online (version ${s.version || '?'}${hb})`);
      return failed(`Cloud Assistant agent on ${instanceId} is not running (CloudAssistantStatus false${s.version ? '' : ', no agent version reported'}${hb})`, fixFor('ClientNotRunning', { ...ctx, instanceId }));
    },
  };
}

/** `host.mount`: the backup dir is an ossfs mount that answers and carries allow_other (read-only RunCommand probe). */
export function mountCheck(probe: () => Promise<HostProbe>, ctx: FixContext): Check {
  return {
    id: 'host.mount',
    service: 'host',
    needs: ['ecs.agent'],
    async run() {
      const p = await probe();
      const fstab = p.fstab ? `fstab: ${p.fstab}` : 'no fstab entry';
      const repairable = /(^|,)allow_other(,|$)/.test(p.fstab.split(' ')[1] ?? '') ? ' (its fstab entry has allow_other, so BACKUP_REPAIR_MOUNT=true would remount it)' : '';
      if (p.fstype !== 'fuse.ossfs' && p.fstype !== 'fuse.ossfs2') {
        return failed(`${ctx.mountDir} is not an ossfs mount (found ${p.fstype || 'nothing'}; ${fstab})${repairable}`, fixFor('not_mounted', ctx));
      }
      if (!p.answers) return failed(`${ctx.mountDir} is an ossfs mount that does not answer (crashed ossfs?)`, fixFor('mount_stale', ctx));
      if (!`,${p.options},`.includes(',allow_other,')) {
        return failed(`${ctx.mountDir} is mounted (${p.fstype}) without allow_other, so the git user cannot write to it (options ${p.options}; ${fstab})${repairable}`, fixFor('no_allow_other', ctx));
      }
      return ok(`${ctx.mountDir} is ${p.fstype} with allow_other`);
    },
  };
}

/** STRATEGY=copy stages the data once more before tar: the script wants twice the last archive (as here). */
export const FREE_SPACE_MARGIN = 2;

/**
 * `host.disk`: free space in the staging dir ≥ max(BACKUP_MIN_FREE_GIB, last archive × FREE_SPACE_MARGIN), the
 * same rule the script applies before gitlab-backup. The last archive's size comes from OSS. Staged archives that
 * failed runs left count as free: the run removes them before it measures (docs/adr/0022 §5).
 */
export function diskCheck(probe: () => Promise<HostProbe>, lastArchiveBytes: () => Promise<number | undefined>, minFreeGiB: number, ctx: FixContext): Check {
  return {
    id: 'host.disk',
    service: 'host',
    needs: ['ecs.agent'],
    async run() {
      const [p, last] = await Promise.all([probe(), lastArchiveBytes().catch(() => undefined)]);
      if (!p.stagingExists) return failed(`${ctx.stagingDir} does not exist on the host`, fixFor('staging_missing', ctx));
      if (p.stagingFreeKiB < 0) return failed(`df could not read the free space of ${ctx.stagingDir}`, `run \`df -P ${ctx.stagingDir}\` on the host`);
      const needKiB = Math.max(minFreeGiB * 1_048_576, Math.ceil(((last ?? 0) * FREE_SPACE_MARGIN) / 1024));
      const basis = last === undefined ? `BACKUP_MIN_FREE_GIB ${minFreeGiB}` : `max(BACKUP_MIN_FREE_GIB ${minFreeGiB}, ${FREE_SPACE_MARGIN} × last archive ${last} B)`;
      const leftKiB = Math.floor((p.leftoverBytes ?? 0) / 1024);
      const left = leftKiB > 0 ? ` + ${(leftKiB / 1_048_576).toFixed(1)} GiB of leftovers a run removes first` : '';
      const detail = `${p.stagingFreeKiB} KiB free in ${ctx.stagingDir}${left}, need ${needKiB} KiB (${basis})`;
      return p.stagingFreeKiB + leftKiB >= needKiB ? ok(detail) : failed(detail, fixFor('disk_full', ctx));
    },
  };
}
