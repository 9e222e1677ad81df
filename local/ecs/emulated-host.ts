import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STANDINS = fileURLToPath(new URL('./standins/', import.meta.url));

/** Per-host failure switches; the stand-ins read them as EMU_* variables when a command runs. */
export interface HostFaults {
  /** gitlab-backup exits with this code ("Backup failed"). */
  gitlabBackupExit?: number;
  /** gitlab-backup writes a broken tar (the listing check must catch it). */
  corruptArchive?: boolean;
  /** gitlab-backup takes this long (timeouts). */
  backupSleepSeconds?: number;
  /** gitlab-backup waits until this host path exists (≤ 60 s): a run that deterministically holds the lock. */
  backupHoldUntil?: string;
  /** gitlab-backup prints this many long progress lines (output-size checks). */
  noisyLines?: number;
  /** Free space df reports for local disks (disk full = small). */
  diskFreeKiB?: number;
  /** Writes onto the ossfs mount fail: remounted read-only or FUSE I/O error. */
  copyFails?: 'readonly' | 'eio';
  /** `mount`/ossfs fails with this message (repair impossible). */
  mountFails?: string;
  /** The Cloud Assistant agent is down: InvocationStatus Failed, ErrorCode ClientNotRunning. */
  agentNotRunning?: boolean;
  /** The command cannot be delivered: InvocationStatus Aborted, ErrorCode DeliveryTimeout. */
  deliveryTimeout?: boolean;
}

/** How an emulated GitLab host starts. Paths are host paths; the scratch root is prefixed to all of them. */
export interface EmulatedHostOptions {
  instanceId: string;
  /** Directory backing the ossfs bucket: the OSS emulator's `bucketDir(bucket)`. */
  mountBackingDir: string;
  bucket?: string;
  mountDir?: string;
  /** gitlab_rails['backup_path'] written to gitlab.rb (staged mode: the staging dir; direct: a dir on the mount). */
  backupPath?: string;
  /** First line of /opt/gitlab/version-manifest.txt, e.g. `gitlab-ee 17.5.1`. */
  versionManifest?: string;
  hostname?: string;
  /** Mounted at start (default true), with allow_other (default true). */
  mounted?: boolean;
  allowOther?: boolean;
  /** Emulate ossfs 2.x (`fuse.ossfs2`) instead of 1.x (`fuse.ossfs`). */
  ossfs2?: boolean;
  /** fstab entry for the mount: absent (false), or its allow_other flag. Default: present with allow_other. */
  fstab?: false | { allowOther: boolean };
  /** Where to create the scratch root (default: a new dir under the OS temp dir). */
  scratchParent?: string;
}

/**
 * One emulated GitLab ECS host: a scratch root with /etc/gitlab, /var/opt/gitlab/backups, /etc/fstab, /proc/mounts
 * and the stand-in commands on PATH. The backup script runs in it unchanged, with GITLAB_ASK_OPS_ROOT set.
 */
export class EmulatedHost {
  readonly instanceId: string;
  readonly root: string;
  readonly bin: string;
  readonly mountDir: string;
  readonly bucket: string;
  status: 'Running' | 'Stopped' = 'Running';
  faults: HostFaults = {};

  constructor(readonly opts: EmulatedHostOptions) {
    this.instanceId = opts.instanceId;
    this.bucket = opts.bucket ?? 'gitlab-backups';
    this.mountDir = opts.mountDir ?? '/mnt/gitlab-backups';
    this.root = mkdtempSync(join(opts.scratchParent ?? tmpdir(), `ecs-${opts.instanceId}-`));
    this.bin = this.path('/.emu/bin');
    this.build();
  }

  /** The scratch path of a host path. */
  path(hostPath: string): string {
    return join(this.root, hostPath);
  }

  /** Environment of a command run on this host (PATH with the stand-ins first). */
  env(): Record<string, string> {
    const f = this.faults;
    const e: Record<string, string> = {
      PATH: `${this.bin}:/usr/local/bin:/usr/bin:/bin`,
      GITLAB_ASK_OPS_ROOT: this.root,
      HOME: this.path('/root'),
      TMPDIR: this.path('/tmp'),
      LANG: 'C.UTF-8',
      EMU_HOSTNAME: this.opts.hostname ?? `iz${this.instanceId}`,
      EMU_OSSFS_MAJOR: this.opts.ossfs2 ? '2' : '1',
    };
    if (f.gitlabBackupExit) e.EMU_BACKUP_EXIT = String(f.gitlabBackupExit);
    if (f.corruptArchive) e.EMU_BACKUP_CORRUPT = '1';
    if (f.backupSleepSeconds) e.EMU_BACKUP_SLEEP = String(f.backupSleepSeconds);
    if (f.backupHoldUntil) e.EMU_BACKUP_HOLD = f.backupHoldUntil;
    if (f.noisyLines) e.EMU_BACKUP_NOISE = String(f.noisyLines);
    if (f.diskFreeKiB !== undefined) e.EMU_DF_AVAIL_KB = String(f.diskFreeKiB);
    if (f.copyFails) e.EMU_COPY_FAIL = f.copyFails;
    if (f.mountFails) e.EMU_MOUNT_FAIL = f.mountFails;
    return e;
  }

  /** Mount (with or without allow_other) or unmount the bucket, through the same stand-ins the script uses. */
  setMount(state: { mounted: boolean; allowOther?: boolean }): void {
    if (this.isMounted()) this.sh('umount', [this.path(this.mountDir)]);
    if (!state.mounted) return;
    const o = state.allowOther === false ? [] : ['-oallow_other'];
    this.sh('ossfs', [this.bucket, this.path(this.mountDir), `-ourl=http://oss-ap-northeast-2-internal.aliyuncs.com`, ...o]);
  }

  /** Leave the mount in the table but make it unreachable, as a crashed ossfs does (ENOTCONN on access). */
  breakMount(): void {
    if (!this.isMounted()) throw new Error('breakMount: not mounted');
    rmSync(this.path(this.mountDir), { force: true });
    symlinkSync(this.path('/.emu/crashed-ossfs'), this.path(this.mountDir));
  }

  /** True when /proc/mounts lists the backup mount. */
  isMounted(): boolean {
    return spawnSync(join(this.bin, 'mountpoint'), ['-q', this.path(this.mountDir)], { env: this.env() }).status === 0;
  }

  /** Write /etc/fstab (the seed's line: `bucket dir fuse.ossfs _netdev,allow_other,url=… 0 0`). */
  setFstab(entry: false | { allowOther: boolean }): void {
    const lines = ['/dev/vda1 / ext4 defaults 0 1'];
    if (entry) {
      const o = ['_netdev', ...(entry.allowOther ? ['allow_other'] : []), 'url=http://oss-ap-northeast-2-internal.aliyuncs.com'];
      lines.push(`${this.bucket} ${this.mountDir} ${this.opts.ossfs2 ? 'fuse.ossfs2' : 'fuse.ossfs'} ${o.join(',')} 0 0`);
    }
    writeFileSync(this.path('/etc/fstab'), lines.join('\n') + '\n');
  }

  /** Remove the scratch root. */
  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private build(): void {
    const o = this.opts;
    const backupPath = o.backupPath ?? '/var/opt/gitlab/backups';
    for (const d of ['/etc/gitlab', '/opt/gitlab', '/proc', '/root', '/tmp', '/run/lock', '/var/log', '/.emu/oss', backupPath, this.mountDir]) {
      mkdirSync(this.path(d), { recursive: true });
    }
    mkdirSync(this.bin, { recursive: true });
    // Copy rather than point PATH at the repo: the exec bit survives any checkout, and tests cannot edit the originals.
    for (const f of readdirSync(STANDINS)) {
      copyFileSync(join(STANDINS, f), join(this.bin, f));
      chmodSync(join(this.bin, f), f.startsWith('_') ? 0o644 : 0o755);
    }
    symlinkSync(o.mountBackingDir, this.path(`/.emu/oss/${this.bucket}`));
    writeFileSync(this.path('/etc/gitlab/gitlab.rb'), `external_url 'https://gitlab.example.com'\ngitlab_rails['backup_path'] = "${backupPath}"\ngitlab_rails['manage_backup_path'] = false\n`);
    writeFileSync(this.path('/etc/gitlab/gitlab-secrets.json'), JSON.stringify({ gitlab_rails: { secret_key_base: 'emulated-secret-key-base', db_key_base: 'emulated-db-key-base' } }), { mode: 0o600 });
    const [pkg = 'gitlab-ee', ver = '17.5.1'] = (o.versionManifest ?? 'gitlab-ee 17.5.1').split(' ');
    writeFileSync(this.path('/opt/gitlab/version-manifest.txt'), `${pkg} ${ver}\n\ncomponent version\n`);
    mkdirSync(this.path('/opt/gitlab/embedded/service/gitlab-rails'), { recursive: true });
    writeFileSync(this.path('/opt/gitlab/embedded/service/gitlab-rails/VERSION'), `${ver}${pkg === 'gitlab-ee' ? '-ee' : ''}\n`);
    writeFileSync(this.path('/proc/mounts'), '/dev/vda1 / ext4 rw,relatime 0 0\n');
    this.setFstab(o.fstab ?? { allowOther: true });
    if (o.mounted !== false) this.setMount({ mounted: true, allowOther: o.allowOther ?? true });
  }

  private sh(cmd: string, args: string[]): void {
    const r = spawnSync(join(this.bin, cmd), args, { env: { ...this.env(), EMU_MOUNT_FAIL: '' }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  }
}
