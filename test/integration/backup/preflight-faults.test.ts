import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEcsPort, ECS_API_VERSION, runBackup, type BackupReport } from '#shared/backup/index';
import { DEFAULT_BACKUP_SCRIPT_CONFIG } from '#shared/backup/script/index';
import { createOssPort } from '#shared/cloud/oss/index';
import { createRpcClient } from '#shared/cloud/pop/index';
import { memoryLogger } from '#shared/log/index';
import { createMailer } from '#shared/mail/index';
import { systemClock } from '#shared/runtime/index';
import { ecsSandboxPart } from '#local/ecs/sandbox-part';
import { ossSandboxPart } from '#local/oss/sandbox-part';
import type { SandboxPartHandle } from '#local/sandbox/boot';
import { FaultRegistry } from '#local/sandbox/named-faults';
import { mailSandboxPart } from '#local/sandbox/parts/mail-part';

// The sandbox's own parts and their named faults, without the FC runtime: the dry run is called in-process.
describe('backup dry run = preflight: each sandbox fault it covers fails the matching check with its fix, and nothing is written', () => {
  const sts = { accessKeyId: 'STS.preflight', accessKeySecret: 'preflight-secret', securityToken: 'preflight-token' };
  const stateDir = mkdtempSync(join(tmpdir(), 'preflight-'));
  const handles: SandboxPartHandle[] = [];
  let faults: FaultRegistry;
  let dryRun: (script?: Partial<typeof DEFAULT_BACKUP_SCRIPT_CONFIG>) => Promise<BackupReport>;
  /** What "nothing is written" is checked against: every object (key + time), the host's commands, the outbox. */
  let world: () => Promise<{ objects: string; commands: string[]; mails: number }>;

  beforeAll(async () => {
    const ctx = { credentials: sts, accountId: '1234567890123456', region: 'ap-northeast-2', stateDir };
    let env: Record<string, string> = {};
    for (const part of [mailSandboxPart, ossSandboxPart, ecsSandboxPart]) {
      const h = await part.start({ ...ctx, env: { ...env } });
      handles.push(h);
      env = { ...env, ...h.env, ...h.urls };
    }
    faults = new FaultRegistry(handles.flatMap((h) => h.faults ?? []));
    const credentials = () => sts;
    const oss = createOssPort({ bucket: env.OSS_BUCKET!, region: 'ap-northeast-2', endpoint: env.OSS_ENDPOINT!, credentials });
    const ecsRpc = createRpcClient({ endpoint: env.ECS_ENDPOINT!, apiVersion: ECS_API_VERSION, credentials, retry: false });
    const log = memoryLogger('warn');
    const mail = createMailer({ rpc: createRpcClient({ endpoint: env.DM_ENDPOINT!, apiVersion: '2015-11-23', credentials, retry: false }), from: env.MAIL_FROM!, to: [env.MAIL_TO!], region: 'ap-southeast-1', log, attempts: 1 });
    const ecs = createEcsPort(ecsRpc, 'ap-northeast-2');
    dryRun = (script = {}) =>
      runBackup(
        { ecs, oss, mail, clock: systemClock, log },
        { instanceId: env.BACKUP_INSTANCE_ID!, script: { ...DEFAULT_BACKUP_SCRIPT_CONFIG, ...script }, retention: { keepMin: 3, keepDays: 7, keepLabelled: true }, timeoutSec: 600, runKey: 'request/preflight', startedAt: new Date(), deadline: new Date(Date.now() + 60_000), dryRun: true, fix: { bucket: env.OSS_BUCKET!, ossRegion: 'ap-northeast-2' } },
      );
    // The host's mount is the bucket directory: a host-side write would show up as an object too.
    world = async () => ({
      objects: (await oss.list('')).map((o) => `${o.key}@${o.lastModified.getTime()}`).join('\n'),
      commands: (await ecsRpc.request<{ Invocations: { Invocation: Array<{ CommandName: string }> } }>('DescribeInvocations', { RegionId: 'ap-northeast-2', MaxResults: 50 })).Invocations.Invocation.map((c) => c.CommandName),
      mails: ((await (await fetch(env['outbox.json']!)).json()) as { mails: unknown[] }).mails.length,
    });
  });
  afterAll(async () => {
    for (const h of handles.reverse()) await h.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('with no fault every check is ok and the status is planned', async () => {
    const r = await dryRun();
    expect(r.status).toBe('planned');
    expect(r.preflight?.filter((c) => c.status !== 'ok')).toEqual([]);
  });

  it('keep-time in staged mode is fine: GitLab prunes only the local staging dir', async () => {
    faults.set('keep-time');
    try {
      expect((await dryRun()).preflight!.find((c) => c.id === 'host.keep-time')).toMatchObject({ status: 'ok', detail: 'backup_keep_time is 604800 s: GitLab prunes only the local /var/opt/gitlab/backups (staged mode)' });
    } finally {
      faults.clear('keep-time');
    }
  });

  it.each([
    ['agent-offline', 'ecs.agent', /Cloud Assistant agent on i-sandboxgitlab01 is not running \(CloudAssistantStatus false/, /systemctl restart aliyun\.service/],
    ['mount-missing', 'host.mount', /\/mnt\/gitlab-backups is not an ossfs mount \(found ext4; fstab: fuse\.ossfs _netdev,allow_other.*BACKUP_REPAIR_MOUNT=true would remount it/, /put `gitlab-backups \/mnt\/gitlab-backups fuse\.ossfs _netdev,allow_other,url=\S+ 0 0` in \/etc\/fstab/],
    ['mount-allow-other', 'host.mount', /mounted \(fuse\.ossfs\) without allow_other, so the git user cannot write to it/, /add allow_other to the ossfs line in \/etc\/fstab.*BACKUP_REPAIR_MOUNT=true/],
    ['disk-full', 'host.disk', /^1024 KiB free in \/var\/opt\/gitlab\/backups, need 10485760 KiB/, /free space in \/var\/opt\/gitlab\/backups/],
    ['oss-read', 'oss.read', /cannot read \S+ with the function's credentials: .*AccessDenied/, /oss:GetObject on acs:oss:\*:\*:gitlab-backups\/gitlab-backups\/\*/],
    ['oss-lifecycle', 'oss.lifecycle', /rule "expire-backups" expires "gitlab-backups\/" after 30 days/, /remove or narrow the rule/],
    ['dm-down', 'mail.sender', /DirectMail did not answer: .*ServiceUnavailable/, /check DirectMail/],
    ['staging-owner', 'host.staging', /^\/var\/opt\/gitlab\/backups is root:root 700: git cannot write it/, /chown git:git \/var\/opt\/gitlab\/backups && chmod 0700/],
    // Direct mode with GitLab's own pruning on: refused before anything runs.
    ['keep-time', 'host.keep-time', /^backup_keep_time is 604800 s and BACKUP_MODE is direct: GitLab would delete archives on the mount/, /gitlab_rails\['backup_keep_time'\] = 0 .*gitlab-ctl reconfigure/, { mode: 'direct' as const }],
  ])('%s → %s failed with its fix', async (fault, check, detail, fix, script?: Partial<typeof DEFAULT_BACKUP_SCRIPT_CONFIG>) => {
    const before = await world();
    faults.set(fault);
    let r: BackupReport;
    try {
      r = await dryRun(script);
    } finally {
      faults.clear(fault);
    }
    const c = r.preflight!.find((x) => x.id === check)!;
    expect(c, JSON.stringify(r.preflight)).toMatchObject({ status: 'failed' });
    expect(c.detail).toMatch(detail);
    expect(c.fix).toMatch(fix);
    expect(r).toMatchObject({ status: 'failed', step: 'preflight', fix: c.fix });
    // Only this fault's check fails (what needs it is skipped).
    expect(r.preflight!.filter((x) => x.status === 'failed').map((x) => x.id)).toEqual([check]);
    if (fault === 'agent-offline') expect(r.preflight!.filter((x) => x.status === 'skipped').map((x) => x.id)).toEqual(['host.mount', 'host.disk', 'host.ossfs-parts', 'host.keep-time', 'host.staging']);
    // Nothing written: the same objects with the same times, no command but the read-only probe, no mail.
    const after = await world();
    expect(after.objects).toBe(before.objects);
    expect(after.commands.filter((n) => n !== 'gitlab-ask-ops-preflight')).toEqual(before.commands.filter((n) => n !== 'gitlab-ask-ops-preflight'));
    expect(after.mails).toBe(before.mails);
  });
});
