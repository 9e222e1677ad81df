import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index';
import { backupKeys } from '#shared/backup/script/backup-layout';
import { backupScriptConfigFromEnv } from '#shared/backup/script/backup-script-config';
import { renderBackupScript } from '#shared/backup/script/render-backup-script';
import { policyFor } from '../commands/policy';
import type { RamStatement } from './ram-policy';

/**
 * `policy --ossfs` against the OSS requests ossfs 1.x makes for what the host scripts do through the mount. The
 * emulated host's ossfs is a symlink onto the emulator's bucket directory (local/ecs/standins/ossfs), so no request
 * reaches the OSS API there: the requests are modelled here from ossfs' source (see generateOssfsPolicy), on the keys
 * the real layout gives (backupKeys), and the prefixes are read back from the rendered backup script.
 */
const ACCOUNT = '5123456789012345';
const BUCKET = 'acme-backups';
const NAME = '1795802400_2026_11_28_abcd';
const ARN = `acs:oss:*:${ACCOUNT}:${BUCKET}`;

type Req = { action: string; key?: string; prefix?: string };
const get = (key: string): Req => ({ action: 'oss:GetObject', key });
const put = (key: string): Req => ({ action: 'oss:PutObject', key });
const del = (key: string): Req => ({ action: 'oss:DeleteObject', key });
const list = (prefix: string): Req => ({ action: 'oss:ListObjects', prefix });

/** Looking up directory `dir`: HEAD `dir`, HEAD `dir/`, then a list of `dir/` (ossfs get_object_attribute). */
const lookup = (dir: string): Req[] => [get(dir), get(`${dir}/`), list(`${dir}/`)];
/** `mkdir -p` of a key dir: each level looked up, its marker `<level>/` made when absent (first run). */
const mkdirP = (dir: string): Req[] => dir.split('/').flatMap((_, n, all) => { const d = all.slice(0, n + 1).join('/'); return [...lookup(d), put(`${d}/`)]; });
/** The script's put(): write `.<name>.partial` (single or multipart, aborted on failure), rename (copy + delete). */
function putFile(key: string): Req[] {
  const dir = key.slice(0, key.lastIndexOf('/'));
  const tmp = `${dir}/.${key.slice(dir.length + 1)}.partial`;
  return [get(tmp), put(tmp), { action: 'oss:AbortMultipartUpload', key: tmp }, get(key), get(tmp), put(key), del(tmp)];
}

/** Every request of one backup night (and of the host restore) for the configuration `env`. */
function night(env: Record<string, string>): Req[] {
  const e = loadConfig(env).env;
  const k = backupKeys(e.OSS_PREFIX, NAME, e.BACKUP_CONFIG_PREFIX);
  const data = k.archive.slice(0, k.archive.lastIndexOf('/'));
  const conf = k.config.slice(0, k.config.lastIndexOf('/'));
  const reqs = [list(''), ...mkdirP(data), ...mkdirP(conf), list(`${data}/`), get(`${data}/1795716000_2026_11_27_x_gitlab_backup.tar`)];
  if (e.BACKUP_MODE === 'direct') {
    // GitLab in backup_path on the mount: its staging files, its pack, its clean-up, a failed pack removed by us.
    for (const f of ['backup_information.yml', 'db/database.sql.gz', 'repositories/', 'tmp/', 'uploads.tar.gz', `${NAME}_gitlab_backup.tar`]) reqs.push(put(`${data}/${f}`), del(`${data}/${f}`));
  } else reqs.push(...putFile(k.archive));
  reqs.push(get(k.archive), ...putFile(k.config), get(k.config), ...putFile(k.manifest), get(k.manifest), del(`${data}/.${NAME}_gitlab_backup.tar.partial`));
  return reqs;
}

/** RAM's wildcard: `*` any run of characters (resources and StringLike alike). */
const glob = (pattern: string, value: string): boolean => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);
function allowed(policy: RamStatement[], r: Req): boolean {
  const resource = r.key === undefined ? ARN : `${ARN}/${r.key}`;
  return policy.some((s) => s.Action.includes(r.action) && s.Resource.some((p) => glob(p, resource)) &&
    (!s.Condition || (s.Condition.StringLike?.['oss:Prefix'] ?? []).some((p) => glob(p, r.prefix ?? ''))));
}
const denied = (policy: RamStatement[], reqs: Req[]): string[] => reqs.filter((r) => !allowed(policy, r)).map((r) => `${r.action} ${r.key ?? `prefix=${r.prefix ?? ""}`}`);

const BASE = { FC_ACCOUNT_ID: ACCOUNT, OSS_BUCKET: BUCKET };

describe('ops policy --ossfs: the GitLab host\'s ossfs RAM user', () => {
  it.each([
    ['defaults, staged', {}],
    ['prefixes of their own, nested', { OSS_PREFIX: 'ops/gitlab/nightly/', BACKUP_CONFIG_PREFIX: 'ops/gitlab/etc/' }],
    ['direct mode', { BACKUP_MODE: 'direct' }],
  ])('%s: allows every request a backup night and a restore make through the mount', async (_what, over: Record<string, string>) => {
    const env = { ...BASE, ...over };
    const { policy } = await policyFor(env, { ossfs: true });
    expect(denied(policy.Statement, night(env))).toEqual([]);
  });

  it('uses the prefix dirs the rendered backup script writes to, and the script\'s temp name for its deletes', async () => {
    const env = { ...BASE, OSS_PREFIX: 'nightly', BACKUP_CONFIG_PREFIX: '/etc-archives/' };
    const script = renderBackupScript(backupScriptConfigFromEnv(loadConfig(env).env));
    const dest = /^DEST_SUBDIR='([^']*)'$/m.exec(script)?.[1];
    const conf = /^CONFIG_SUBDIR='([^']*)'$/m.exec(script)?.[1];
    expect([dest, conf]).toEqual(['nightly', 'etc-archives']);
    expect(script).toContain('local tmp="$2/.$3.partial"');
    const by = Object.fromEntries((await policyFor(env, { ossfs: true })).policy.Statement.map((s) => [s.Sid, s]));
    expect(by.OssfsBackupFiles!.Resource).toEqual([`${ARN}/${dest}/*`, `${ARN}/${conf}/*`]);
    expect(by.OssfsDeletes!.Resource).toEqual([`${ARN}/${dest}/.*.partial`, `${ARN}/${conf}/.*.partial`]);
    expect(by.OssfsListing!.Condition).toEqual({ StringLike: { 'oss:Prefix': ['', `${dest}/*`, `${conf}/*`] } });
  });

  it.each([
    ['defaults', {}, 'gitlab-backups', 'gitlab-config-backups'],
    ['direct mode', { BACKUP_MODE: 'direct' }, 'gitlab-backups', 'gitlab-config-backups'],
    ['nested prefixes', { OSS_PREFIX: 'ops/gitlab/nightly/', BACKUP_CONFIG_PREFIX: 'ops/gitlab/etc/' }, 'ops/gitlab/nightly', 'ops/gitlab/etc'],
  ])('%s: never deletes a backup or an /etc/gitlab archive, never touches other keys', async (_what, over: Record<string, string>, data, conf) => {
    const env = { ...BASE, ...over };
    const { policy } = await policyFor(env, { ossfs: true });
    const k = backupKeys(`${data}/`, NAME, `${conf}/`);
    const outside = [
      del(k.config), del(`${conf}/verified.json`), get('other/secret.txt'), put('other/x'), del('other/x'), list('other/'),
      get(`${data}-evil/x`), put(`${data}x/y`), list(`${data}x/`), { action: 'oss:ListParts', key: k.archive }, { action: 'oss:GetBucketLifecycle' },
    ];
    if (!over.BACKUP_MODE) outside.push(del(k.archive), del(k.manifest), del(`${data}/verified/${NAME}.json`));
    expect(denied(policy.Statement, outside)).toEqual(outside.map((r) => `${r.action} ${r.key ?? `prefix=${r.prefix ?? ''}`}`));
    // Parent directories: looked up and their marker made, nothing else.
    if (data.includes('/')) expect(denied(policy.Statement, [put('ops/x'), get('ops/x'), del('ops/'), list('ops/x/')])).toHaveLength(4);
  });

  it('names what it widens: direct mode\'s deletes, a prefix of the bucket root (/), the account', async () => {
    expect((await policyFor(BASE, { ossfs: true })).notes).toEqual([expect.stringMatching(/^BACKUP_MODE=staged: .*\.partial/)]);
    const root = await policyFor({ OSS_BUCKET: BUCKET, OSS_PREFIX: '/', BACKUP_MODE: 'direct' }, { ossfs: true });
    expect(root.notes).toEqual([
      'FC_ACCOUNT_ID is not set: resources name any account (*)',
      expect.stringMatching(/^BACKUP_MODE=direct: the ossfs user may delete anything under OSS_PREFIX/),
      'OSS_PREFIX is the bucket root (/): the ossfs user reads and writes the whole bucket',
    ]);
    const del0 = root.policy.Statement.find((s) => s.Sid === 'OssfsDeletes')!;
    expect(del0.Resource).toEqual([`acs:oss:*:*:${BUCKET}/*`, `acs:oss:*:*:${BUCKET}/gitlab-config-backups/.*.partial`]);
    await expect(policyFor({ FC_ACCOUNT_ID: '1' }, { ossfs: true })).rejects.toThrow(/set OSS_BUCKET/);
  });
});
