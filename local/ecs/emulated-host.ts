import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emuDatabaseTsv, type EmuDatabase } from './emu-database';
import { faultEnv, type HostFaults } from './host-faults-types';
import { layOutHost } from './host-layout';
import { killAll, processesWithEnv } from './process-tree';

export type { HostFaults } from './host-faults-types';

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
  /** fstab entry for the mount: absent (false), or its allow_other flag and ossfs options. Default: with allow_other. */
  fstab?: false | FstabEntry;
  /** Where to create the scratch root (default: a new dir under the OS temp dir). */
  scratchParent?: string;
  /**
   * The instance's database, read before every command (the sandbox passes the GitLab emulator's, so a backup holds
   * what the live instance's API shows); absent: the layout's small default.
   */
  database?: () => EmuDatabase | undefined;
}

/** The ossfs line of /etc/fstab. */
export interface FstabEntry {
  allowOther: boolean;
  /** `multipart_size=N` (MB) in the options; absent = ossfs' default 10. */
  multipartSizeMB?: number;
}

/** What happened to the instance because of a command (the agent's exit codes 193/194). */
export interface PowerEvent {
  at: Date;
  kind: 'poweroff' | 'reboot';
  invokeId: string;
  exitCode: number;
}

/** Instance states as DescribeInstanceStatus names them. */
export type InstanceState = 'Running' | 'Stopping' | 'Stopped' | 'Starting';

const URL_OPT = 'url=http://oss-ap-northeast-2-internal.aliyuncs.com';

/**
 * One emulated GitLab ECS host: a scratch root with /etc/gitlab, /var/opt/gitlab/backups, /etc/fstab, /proc/mounts
 * and the stand-in commands on PATH. The backup script runs in it unchanged, with GITLAB_ASK_OPS_ROOT set; every
 * process of the host carries that variable, which is how power-off finds them all.
 */
export class EmulatedHost {
  readonly instanceId: string;
  readonly root: string;
  readonly bin: string;
  readonly mountDir: string;
  readonly bucket: string;
  status: InstanceState = 'Running';
  faults: HostFaults = {};
  readonly powerEvents: PowerEvent[] = [];

  constructor(readonly opts: EmulatedHostOptions) {
    this.instanceId = opts.instanceId;
    this.bucket = opts.bucket ?? 'gitlab-backups';
    this.mountDir = opts.mountDir ?? '/mnt/gitlab-backups';
    this.root = mkdtempSync(join(opts.scratchParent ?? tmpdir(), `ecs-${opts.instanceId}-`));
    this.bin = this.path('/.emu/bin');
    layOutHost({ path: (p) => this.path(p), bin: this.bin, bucket: this.bucket, mountBackingDir: opts.mountBackingDir, mountDir: this.mountDir, backupPath: opts.backupPath ?? '/var/opt/gitlab/backups', versionManifest: opts.versionManifest ?? 'gitlab-ee 17.5.1' });
    this.setFstab(opts.fstab ?? { allowOther: true });
    if (opts.mounted !== false) this.setMount({ mounted: true, allowOther: opts.allowOther ?? true });
  }

  /** The scratch path of a host path. */
  path(hostPath: string): string {
    return join(this.root, hostPath);
  }

  /** Environment of a command run on this host (PATH with the stand-ins first). */
  env(): Record<string, string> {
    return {
      PATH: `${this.bin}:/usr/local/bin:/usr/bin:/bin`,
      GITLAB_ASK_OPS_ROOT: this.root,
      HOME: this.path('/root'),
      TMPDIR: this.path('/tmp'),
      LANG: 'C.UTF-8',
      EMU_HOSTNAME: this.opts.hostname ?? `iz${this.instanceId}`,
      EMU_OSSFS_MAJOR: this.opts.ossfs2 ? '2' : '1',
      ...faultEnv(this.faults),
    };
  }

  /** Mount (with or without allow_other, with extra ossfs options) or unmount the bucket, through the stand-ins. */
  setMount(state: { mounted: boolean; allowOther?: boolean; options?: string[] }): void {
    if (this.isMounted()) this.sh('umount', [this.path(this.mountDir)]);
    if (!state.mounted) return;
    const o = [URL_OPT, ...(state.allowOther === false ? [] : ['allow_other']), ...(state.options ?? [])];
    this.sh('ossfs', [this.bucket, this.path(this.mountDir), `-o${o.join(',')}`]);
  }

  /** Write the database the stand-ins dump and count (`database` option), before a command runs. */
  syncDatabase(): void {
    const db = this.opts.database?.();
    if (db) writeFileSync(this.path('/var/opt/gitlab/.emu/db.tsv'), emuDatabaseTsv(db));
  }

  /** The installed GitLab (Gitlab::VERSION and version-manifest.txt), e.g. `17.5.1-ee`: what a package upgrade changes. */
  get version(): string {
    return readFileSync(this.path('/opt/gitlab/embedded/service/gitlab-rails/VERSION'), 'utf8').trim();
  }

  set version(v: string) {
    const [num, edition] = v.split('-');
    writeFileSync(this.path('/opt/gitlab/embedded/service/gitlab-rails/VERSION'), `${v}\n`);
    writeFileSync(this.path('/opt/gitlab/version-manifest.txt'), `gitlab-${edition === 'ee' ? 'ee' : 'ce'} ${num}\n\ncomponent version\n`);
  }

  /** Leave the mount in the table but make it unreachable, as a crashed ossfs does (ENOTCONN on access). */
  breakMount(): void {
    if (!this.isMounted()) throw new Error('breakMount: not mounted');
    rmSync(this.path(this.mountDir), { force: true });
    symlinkSync(this.path('/.emu/crashed-ossfs'), this.path(this.mountDir));
    const pid = this.ossfsPid();
    if (pid) killAll([pid]);
  }

  /** True when /proc/mounts lists the backup mount. */
  isMounted(): boolean {
    return spawnSync(join(this.bin, 'mountpoint'), ['-q', this.path(this.mountDir)], { env: this.env() }).status === 0;
  }

  /** The pid of the ossfs daemon serving the backup mount, if one runs. */
  ossfsPid(): number | undefined {
    try {
      return Number(readFileSync(this.path(`/.emu/ossfs/${this.mountDir.replace(/\//g, '_')}.pid`), 'utf8')) || undefined;
    } catch {
      // Not mounted through ossfs.
      return undefined;
    }
  }

  /** Write /etc/fstab (the seed's line: `bucket dir fuse.ossfs _netdev,allow_other,url=… 0 0`). */
  setFstab(entry: false | FstabEntry): void {
    const lines = ['/dev/vda1 / ext4 defaults 0 1'];
    if (entry) {
      const o = ['_netdev', ...(entry.allowOther ? ['allow_other'] : []), URL_OPT, ...(entry.multipartSizeMB ? [`multipart_size=${entry.multipartSizeMB}`] : [])];
      lines.push(`${this.bucket} ${this.mountDir} ${this.opts.ossfs2 ? 'fuse.ossfs2' : 'fuse.ossfs'} ${o.join(',')} 0 0`);
    }
    writeFileSync(this.path('/etc/fstab'), lines.join('\n') + '\n');
  }

  /** Set (or, with undefined, remove) a `gitlab_rails['KEY'] = value` line of gitlab.rb (value written as given). */
  setGitlabRb(key: string, value: string | undefined): void {
    const file = this.path('/etc/gitlab/gitlab.rb');
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith(`gitlab_rails['${key}']`));
    if (value !== undefined) lines.push(`gitlab_rails['${key}'] = ${value}`);
    writeFileSync(file, lines.join('\n') + '\n');
  }

  /** Record a host path's owner in the emulated ownership table and set its real mode (no real users needed). */
  setOwner(hostPath: string, owner: string, mode?: number): void {
    writeFileSync(this.path('/.emu/owners'), `${hostPath}\t${owner}\t0\n`, { flag: 'a' });
    if (mode !== undefined) chmodSync(this.path(hostPath), mode);
  }

  /** Every live process of this host (scripts, their children, orphans and daemons). */
  processes(): number[] {
    return processesWithEnv('GITLAB_ASK_OPS_ROOT', this.root);
  }

  /**
   * Power the instance off (exit code 193) or reboot it (194), as the agent does after such a command: every process
   * dies, FUSE mounts go; a reboot comes back after `bootMs` with /run emptied and fstab's ossfs line mounted.
   */
  power(kind: PowerEvent['kind'], cause: { invokeId: string; exitCode: number }, bootMs = 300): void {
    this.powerEvents.push({ at: new Date(), kind, ...cause });
    this.status = 'Stopping';
    killAll(this.processes());
    // FUSE mounts vanish with the kernel that held them; /run is a tmpfs.
    if (this.isMounted()) this.sh('umount', [this.path(this.mountDir)]);
    rmSync(this.path('/.emu/ossfs'), { recursive: true, force: true });
    rmSync(this.path('/run/lock'), { recursive: true, force: true });
    mkdirSync(this.path('/run/lock'), { recursive: true });
    this.status = 'Stopped';
    if (kind === 'poweroff') return;
    this.status = 'Starting';
    setTimeout(() => {
      // Boot mounts fstab's lines (the ossfs one has _netdev: after the network is up).
      if (this.status !== 'Starting') return;
      if (/fuse\.ossfs/.test(readFileSync(this.path('/etc/fstab'), 'utf8'))) spawnSync(join(this.bin, 'mount'), [this.path(this.mountDir)], { env: { ...this.env(), EMU_MOUNT_FAIL: '' } });
      this.status = 'Running';
    }, bootMs).unref();
  }

  /** Start a stopped instance again (StartInstance): boots as after a reboot. */
  start(bootMs = 0): void {
    if (this.status !== 'Stopped') return;
    this.status = 'Starting';
    if (/fuse\.ossfs/.test(readFileSync(this.path('/etc/fstab'), 'utf8'))) spawnSync(join(this.bin, 'mount'), [this.path(this.mountDir)], { env: { ...this.env(), EMU_MOUNT_FAIL: '' } });
    setTimeout(() => void (this.status = 'Running'), bootMs).unref();
  }

  /** Stop every process of the host and remove the scratch root. */
  dispose(): void {
    killAll(this.processes());
    rmSync(this.root, { recursive: true, force: true });
  }

  private sh(cmd: string, args: string[]): void {
    const r = spawnSync(join(this.bin, cmd), args, { env: { ...this.env(), EMU_MOUNT_FAIL: '' }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  }
}
