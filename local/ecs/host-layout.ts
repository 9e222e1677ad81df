import { chmodSync, copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_EMU_DATABASE, emuDatabaseTsv } from './emu-database';

/** The stand-in commands, copied into every emulated GitLab machine (hosts and drill pods). */
export const STANDINS = fileURLToPath(new URL('./standins/', import.meta.url));
/** The services an Omnibus instance runs (gitlab-ctl status). */
export const OMNIBUS_SERVICES = ['gitaly', 'gitlab-workhorse', 'logrotate', 'nginx', 'postgresql', 'puma', 'redis', 'sidekiq'];

/** Copy the stand-ins into `bin` and Omnibus' embedded bin dir (chpst, runsvdir-start) of a machine's root. */
export function installStandins(path: (p: string) => string, bin: string): void {
  mkdirSync(bin, { recursive: true });
  mkdirSync(path('/opt/gitlab/embedded/bin'), { recursive: true });
  // Copy rather than point PATH at the repo: the exec bit survives any checkout, and tests cannot edit the originals.
  for (const f of readdirSync(STANDINS)) {
    copyFileSync(join(STANDINS, f), join(bin, f));
    chmodSync(join(bin, f), f.startsWith('_') ? 0o644 : 0o755);
  }
  for (const f of ['chpst', 'runsvdir-start', '_lib.sh']) {
    copyFileSync(join(STANDINS, f), path(`/opt/gitlab/embedded/bin/${f}`));
    chmodSync(path(`/opt/gitlab/embedded/bin/${f}`), f.startsWith('_') ? 0o644 : 0o755);
  }
}

/** What a fresh emulated GitLab host holds (host paths; `path` maps them into the scratch root). */
export interface HostLayout {
  path(hostPath: string): string;
  bin: string;
  bucket: string;
  mountBackingDir: string;
  mountDir: string;
  backupPath: string;
  /** First line of /opt/gitlab/version-manifest.txt, e.g. `gitlab-ee 17.5.1`. */
  versionManifest: string;
}

/**
 * Lay out an Omnibus host: /etc/gitlab (gitlab.rb, gitlab-secrets.json, ssl/, trusted-certs/), the SSH host keys,
 * /opt/gitlab (version files, etc/gitlab-rails-rc, embedded/bin/chpst), backup_path owned by git with mode 0700 as
 * `manage_backup_path` leaves it, /var/log/gitlab/gitlab-rails, /proc/mounts, and the stand-ins in /.emu/bin.
 */
export function layOutHost(l: HostLayout): void {
  const p = l.path;
  for (const d of ['/etc/gitlab/ssl', '/etc/gitlab/trusted-certs', '/etc/ssh', '/opt/gitlab/etc', '/opt/gitlab/embedded/bin', '/opt/gitlab/embedded/service/gitlab-rails/tmp', '/proc', '/root', '/tmp', '/run/lock', '/var/log/gitlab/gitlab-rails', '/.emu/oss', l.backupPath, l.mountDir]) {
    mkdirSync(p(d), { recursive: true });
  }
  installStandins(p, l.bin);
  symlinkSync(l.mountBackingDir, p(`/.emu/oss/${l.bucket}`));
  writeFileSync(p('/etc/gitlab/gitlab.rb'), `external_url 'https://gitlab.example.com'\ngitlab_rails['backup_path'] = "${l.backupPath}"\ngitlab_rails['manage_backup_path'] = true\n`, { mode: 0o600 });
  writeFileSync(p('/etc/gitlab/gitlab-secrets.json'), JSON.stringify({ gitlab_rails: { secret_key_base: 'emulated-secret-key-base', db_key_base: 'emulated-db-key-base' } }), { mode: 0o600 });
  writeFileSync(p('/etc/gitlab/ssl/gitlab.example.com.key'), 'emulated tls key\n', { mode: 0o600 });
  writeFileSync(p('/etc/gitlab/ssl/gitlab.example.com.crt'), 'emulated tls certificate\n');
  writeFileSync(p('/etc/gitlab/trusted-certs/internal-ca.crt'), 'emulated internal CA\n');
  for (const k of ['ed25519', 'rsa']) {
    writeFileSync(p(`/etc/ssh/ssh_host_${k}_key`), `emulated ${k} host key\n`, { mode: 0o600 });
    writeFileSync(p(`/etc/ssh/ssh_host_${k}_key.pub`), `ssh-${k} AAAA emulated\n`);
  }
  writeFileSync(p('/etc/ssh/sshd_config'), 'PermitRootLogin no\n');
  const [pkg = 'gitlab-ee', ver = '17.5.1'] = l.versionManifest.split(' ');
  writeFileSync(p('/opt/gitlab/version-manifest.txt'), `${pkg} ${ver}\n\ncomponent version\n`);
  writeFileSync(p('/opt/gitlab/embedded/service/gitlab-rails/VERSION'), `${ver}${pkg === 'gitlab-ee' ? '-ee' : ''}\n`);
  writeFileSync(p('/opt/gitlab/etc/gitlab-rails-rc'), 'gitlab_user=git\ngitlab_group=git\n');
  writeFileSync(p('/proc/mounts'), '/dev/vda1 / ext4 rw,relatime 0 0\n');
  // manage_backup_path: a local backup_path belongs to git, mode 0700 (omnibus-gitlab doc/settings/backups.md); one
  // on the mount (direct mode) is whatever the mount shows: made by root.
  chmodSync(p(l.backupPath), 0o700);
  writeFileSync(p('/.emu/owners'), l.backupPath.startsWith(`${l.mountDir}/`) ? '' : `${l.backupPath}\tgit:git\t0\n`);
  // A running instance: every Omnibus service up, and its database (the sandbox replaces it with the live GitLab's).
  mkdirSync(p('/.emu/services'), { recursive: true });
  for (const svc of OMNIBUS_SERVICES) writeFileSync(p(`/.emu/services/${svc}`), 'run\n');
  mkdirSync(p('/var/opt/gitlab/.emu'), { recursive: true });
  writeFileSync(p('/var/opt/gitlab/.emu/db.tsv'), emuDatabaseTsv(DEFAULT_EMU_DATABASE));
}
