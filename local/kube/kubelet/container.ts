import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { installStandins } from '#local/ecs/host-layout';
import { killAll, processesWithEnv } from '#local/ecs/process-tree';

/** A GitLab image the kubelet can run: `gitlab/gitlab-ee:17.5.1-ee.0` → its Gitlab::VERSION `17.5.1-ee`. */
export function imageVersion(image: string): string | undefined {
  const m = /^(?:docker\.io\/)?gitlab\/gitlab-(ee|ce):(\d+\.\d+\.\d+)-(ee|ce)\.\d+$/.exec(image);
  if (!m || m[1] !== m[3]) return undefined;
  return m[1] === 'ee' ? `${m[2]}-ee` : m[2];
}

/** Keep this much of a container's output (kubectl logs serves it). */
const LOG_CAP = 4 * 1024 * 1024;

/** One running (or ended) emulated container: its filesystem root, its process and its log. */
export interface Container {
  root: string;
  child: ChildProcess;
  /** Everything the container wrote to stdout and stderr (the newest LOG_CAP bytes). */
  log(): string;
  /** Call `fn` with each later piece of output (`kubectl logs -f`); returns the unsubscribe. */
  follow(fn: (text: string) => void): () => void;
  /** Resolves when the container's output is closed (after its last piece was passed to the followers). */
  closed: Promise<void>;
  /** Resolves with the main process' exit code (or the signal's 128+n). */
  exited: Promise<number>;
  /** Signal every process of the container (`SIGTERM` on deletion; `SIGKILL` after the grace period). */
  signal(sig: NodeJS.Signals): void;
  dispose(): void;
}

/**
 * Start the GitLab Docker image's command in an emulated container (docs/adr/0026): a scratch root laid out as the
 * image holds it — Omnibus' stand-ins on PATH and in /opt/gitlab/embedded/bin, Gitlab::VERSION of the image's tag,
 * an empty /etc/gitlab and no services until `gitlab-ctl reconfigure` — with the pod's volumes as links under it,
 * the command run by bash in its own process group, every process carrying GITLAB_ASK_OPS_ROOT (so all of them can
 * be signalled, as a container's PID namespace is).
 */
export function startContainer(o: { version: string; command: string[]; env: Record<string, string>; mounts: Array<{ path: string; dir: string }>; scratchParent?: string }): Container {
  const root = mkdtempSync(join(o.scratchParent ?? tmpdir(), 'pod-'));
  const p = (x: string): string => join(root, x);
  const bin = p('/.emu/bin');
  for (const d of ['/etc/gitlab', '/var/opt/gitlab/backups', '/var/log/gitlab/gitlab-rails', '/opt/gitlab/etc', '/opt/gitlab/embedded/service/gitlab-rails/tmp', '/tmp', '/root', '/run/lock', '/.emu']) mkdirSync(p(d), { recursive: true });
  installStandins(p, bin);
  writeFileSync(p('/.emu/container'), '');
  writeFileSync(p('/opt/gitlab/embedded/service/gitlab-rails/VERSION'), `${o.version}\n`);
  writeFileSync(p('/opt/gitlab/etc/gitlab-rails-rc'), 'gitlab_user=git\ngitlab_group=git\n');
  // The image's backup_path belongs to git (reconfigure's manage_backup_path).
  chmodSync(p('/var/opt/gitlab/backups'), 0o700);
  writeFileSync(p('/.emu/owners'), '/var/opt/gitlab/backups\tgit:git\t0\n');
  for (const m of o.mounts) {
    mkdirSync(dirname(p(m.path)), { recursive: true });
    symlinkSync(m.dir, p(m.path));
  }
  const [cmd = 'bash', ...args] = o.command;
  const env = { PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, HOME: p('/root'), TMPDIR: p('/tmp'), LANG: 'C.UTF-8', EMU_HOSTNAME: 'gitlab-drill', ...o.env, GITLAB_ASK_OPS_ROOT: root };
  // The image's /bin/bash is ours: run the command's shell by name, with the root as the working directory.
  const child = spawn(cmd.replace(/^\/bin\//, ''), args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  const followers = new Set<(text: string) => void>();
  const take = (b: Buffer): void => {
    const text = b.toString('utf8');
    buf += text;
    if (buf.length > LOG_CAP) buf = buf.slice(-LOG_CAP);
    for (const f of followers) f(text);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  // 'close' comes after the last 'data' of both pipes; dispose() kills what could hold them open after the exit.
  const closed = new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', () => resolve());
  });
  const exited = new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('exit', (code, sig) => resolve(code ?? 128 + (sig === 'SIGKILL' ? 9 : 15)));
  });
  const all = (): number[] => processesWithEnv('GITLAB_ASK_OPS_ROOT', root);
  return {
    root, child, exited, closed,
    log: () => buf,
    follow: (fn) => {
      followers.add(fn);
      return () => followers.delete(fn);
    },
    signal: (sig) => {
      for (const pid of all()) {
        try {
          process.kill(pid, sig);
        } catch {
          // Gone meanwhile.
        }
      }
    },
    dispose: () => {
      // When a container's main process ends, its PID namespace goes with it: nothing it started survives.
      killAll(all());
      rmSync(root, { recursive: true, force: true });
    },
  };
}
