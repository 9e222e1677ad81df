import { stateFault, type NamedFault } from '#local/sandbox/named-faults';
import type { EmulatedHost } from './emulated-host';
import type { Invocation } from './invocation';

/** Backup runs are the commands the worker names `gitlab-ask-ops-backup-<run>`; `times` counts those. */
const isBackupRun = (inv: Invocation): boolean => inv.name.startsWith('gitlab-ask-ops-backup');

/**
 * The GitLab host's named faults. Each acts where the real failure is: the host's mount table, its disk, its ossfs
 * writes, the gitlab-backup binary, its Cloud Assistant agent. With `times N` a fault clears itself after N backup
 * runs on this host have finished (the read-only preflight probe does not count).
 */
export function hostFaults(host: EmulatedHost, onInvocationDone: (l: (inv: Invocation) => void) => void): NamedFault[] {
  const healthyMount = (): void => host.setMount({ mounted: true, allowOther: true });
  const faults = [
    stateFault({
      name: 'agent-offline',
      description: 'the Cloud Assistant agent on the GitLab host is down: RunCommand ends Failed/ClientNotRunning, DescribeCloudAssistantStatus says "false"',
      apply: () => void (host.faults.agentNotRunning = true),
      revert: () => void (host.faults.agentNotRunning = false),
    }),
    stateFault({
      name: 'mount-missing',
      description: 'the ossfs backup mount is gone (unmounted; /etc/fstab still has its line)',
      apply: () => host.setMount({ mounted: false }),
      revert: healthyMount,
    }),
    stateFault({
      name: 'mount-allow-other',
      description: 'the ossfs backup mount lacks allow_other (mounted by hand without it; /etc/fstab still has it)',
      apply: () => host.setMount({ mounted: true, allowOther: false }),
      revert: healthyMount,
    }),
    stateFault({
      name: 'disk-full',
      description: 'the staging disk is nearly full: df reports little free space',
      argHelp: 'free KiB to report (default 1024)',
      apply: (s) => void (host.faults.diskFreeKiB = Number(s.arg ?? 1024)),
      revert: () => void delete host.faults.diskFreeKiB,
    }),
    stateFault({
      name: 'oss-write',
      description: 'writes through the host\'s ossfs mount fail (FUSE I/O error, or read-only with arg "readonly")',
      argHelp: '"eio" (default) or "readonly"',
      apply: (s) => void (host.faults.copyFails = s.arg === 'readonly' ? 'readonly' : 'eio'),
      revert: () => void delete host.faults.copyFails,
    }),
    stateFault({
      name: 'gitlab-backup',
      description: 'gitlab-backup create exits non-zero mid-way ("Dumping database failed … Backup failed")',
      argHelp: 'exit code (default 1)',
      apply: (s) => void (host.faults.gitlabBackupExit = Number(s.arg ?? 1) || 1),
      revert: () => void delete host.faults.gitlabBackupExit,
    }),
  ];
  onInvocationDone((inv) => {
    if (inv.instanceId === host.instanceId && isBackupRun(inv)) for (const f of faults) f.used();
  });
  return faults;
}
