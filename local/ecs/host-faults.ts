import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stateFault, type NamedFault } from '#local/sandbox/named-faults';
import type { EmulatedHost } from './emulated-host';
import type { Invocation } from './invocation';

/** Backup runs are the commands the worker names `gitlab-ask-ops-backup-<run>`; `times` counts those. */
const isBackupRun = (inv: Invocation): boolean => inv.name.startsWith('gitlab-ask-ops-backup');

/**
 * An ossfs daemon mounted by an older backup script that did not close its lock: the daemon inherited fd 9 with the
 * flock held, the run that took it is long gone (the wedge ADR 0022 §1 fixes). Made through the host's own stand-ins.
 */
export function legacyLockDaemon(host: EmulatedHost, lockFile = '/run/lock/gitlab-ask-ops-backup.lock'): void {
  if (host.isMounted()) host.setMount({ mounted: false });
  const script = 'exec 9>>"$1"; flock -n 9 || exit 3; printf "%s 0 legacy\\n" "$$" >"$1"; mount "$2"';
  const r = spawnSync('bash', ['-c', script, 'legacy', host.path(lockFile), host.path(host.mountDir)], { env: { ...host.env(), EMU_MOUNT_FAIL: '' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not leave a legacy lock holder: ${r.stderr}`);
}

/**
 * The GitLab host's named faults. Each acts where the real failure is: the host's mount table and ossfs daemon, its
 * disk, its ossfs writes, gitlab-backup and its settings, its Cloud Assistant agent. With `times N` a fault clears
 * itself after N backup runs on this host have finished (the read-only preflight probe does not count).
 */
export function hostFaults(host: EmulatedHost, onInvocationDone: (l: (inv: Invocation) => void) => void): NamedFault[] {
  const healthyMount = (): void => host.setMount({ mounted: true, allowOther: true });
  const flag = <K extends keyof EmulatedHost['faults']>(k: K, v: EmulatedHost['faults'][K]) => ({ apply: () => void (host.faults[k] = v), revert: () => void delete host.faults[k] });
  const faults = [
    stateFault({ name: 'agent-offline', description: 'the Cloud Assistant agent on the GitLab host is down: RunCommand ends Failed/ClientNotRunning, DescribeCloudAssistantStatus says "false"', ...flag('agentNotRunning', true) }),
    stateFault({ name: 'mount-missing', description: 'the ossfs backup mount is gone (unmounted; /etc/fstab still has its line)', apply: () => host.setMount({ mounted: false }), revert: healthyMount }),
    stateFault({ name: 'mount-allow-other', description: 'the ossfs backup mount lacks allow_other (mounted by hand without it; /etc/fstab still has it)', apply: () => host.setMount({ mounted: true, allowOther: false }), revert: healthyMount }),
    stateFault({
      name: 'ossfs-daemon',
      description: 'ossfs daemon behaviours: "inherit-lock" (default) = a daemon mounted by an older script holds the backup lock it inherited; "crash" = the daemon dies, the mount stays in the table and answers ENOTCONN',
      argHelp: '"inherit-lock" (default) or "crash"',
      apply: (s) => (s.arg === 'crash' ? host.breakMount() : legacyLockDaemon(host)),
      revert: () => {
        // A fresh mount; the legacy holder goes with the old daemon.
        if (host.isMounted()) host.setMount({ mounted: false });
        healthyMount();
      },
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
      name: 'ossfs-read',
      description: 'reads through the host\'s ossfs mount fail: a FUSE I/O error (default), a read that never returns ("hang"), or other bytes than were written ("corrupt")',
      argHelp: '"eio" (default), "hang" or "corrupt"',
      apply: (s) => void (host.faults.readFails = s.arg === 'hang' || s.arg === 'corrupt' ? s.arg : 'eio'),
      revert: () => void delete host.faults.readFails,
    }),
    stateFault({
      name: 'gitlab-backup',
      description: 'gitlab-backup create fails: with 1 (default) its database task fails, it still packs an archive and exits 1 (GitLab\'s semantics); with another N it exits N mid-way (e.g. 193, which the agent would take as "power off")',
      argHelp: 'exit code (default 1)',
      apply: (s) => void (host.faults.gitlabBackupExit = Number(s.arg ?? 1) || 1),
      revert: () => void delete host.faults.gitlabBackupExit,
    }),
    stateFault({
      name: 'gitlab-backup-hang',
      description: 'gitlab-backup never returns, a child included (gitaly-backup on a dead storage); "ignore-term": only SIGKILL stops it',
      argHelp: '"term" (default: stops on SIGTERM like Ruby) or "ignore-term"',
      apply: (s) => void (host.faults.backupHang = s.arg === 'ignore-term' ? 'ignore-term' : 'term'),
      revert: () => void delete host.faults.backupHang,
    }),
    stateFault({
      name: 'archive-size',
      description: 'gitlab-backup packs a (sparse) archive of this many GiB: ossfs\' part limit (10,000 × multipart_size; in direct mode GitLab\'s own pack onto the mount fails) without the bytes',
      argHelp: 'GiB, at least 98 (default 120): a size ossfs takes (an ossfs 2.x mount with a larger upload_buffer_size) would really copy that many GiB of zeros',
      apply: (s) => {
        const gib = Number(s.arg ?? 120);
        // Beyond 97.6 GiB (ossfs' default limit) the copy is refused before a byte moves; below it, it would not be.
        if (!Number.isInteger(gib) || gib < 98 || gib > 4096) throw new Error(`archive-size: ${s.arg} is not a whole number of GiB from 98 to 4096`);
        host.faults.archiveGiB = gib;
      },
      revert: () => void delete host.faults.archiveGiB,
    }),
    stateFault({
      name: 'keep-time',
      description: 'gitlab.rb sets gitlab_rails[\'backup_keep_time\']: GitLab\'s own pruning runs after every backup',
      argHelp: 'seconds (default 604800)',
      apply: (s) => host.setGitlabRb('backup_keep_time', String(Number(s.arg ?? 604800) || 604800)),
      revert: () => host.setGitlabRb('backup_keep_time', undefined),
    }),
    stateFault({
      name: 'staging-owner',
      description: 'backup_path belongs to root with mode 0700 (made by hand under umask 077): git cannot write it',
      apply: () => host.setOwner('/var/opt/gitlab/backups', 'root:root', 0o700),
      revert: () => host.setOwner('/var/opt/gitlab/backups', 'git:git', 0o700),
    }),
    stateFault({
      name: 'gitlab-rails-rc',
      description: '/opt/gitlab/etc/gitlab-rails-rc is missing (gitlab-ctl reconfigure never ran): the gitlab-backup wrapper exits 2',
      apply: () => void spawnSync('mv', ['-f', host.path('/opt/gitlab/etc/gitlab-rails-rc'), host.path('/opt/gitlab/etc/gitlab-rails-rc.off')]),
      revert: () => void spawnSync('mv', ['-f', host.path('/opt/gitlab/etc/gitlab-rails-rc.off'), join(host.path('/opt/gitlab/etc'), 'gitlab-rails-rc')]),
    }),
  ];
  onInvocationDone((inv) => {
    if (inv.instanceId === host.instanceId && isBackupRun(inv)) for (const f of faults) f.used();
  });
  return faults;
}
