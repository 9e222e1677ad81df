import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { policyFor } from '#local/cli/commands/policy';
import { LOG_ACTIONS, RAM_POLICY_MAX_CHARS, VPC_ACTIONS, type RamPolicy } from '#local/cli/policy/ram-policy';
import { derivedRamActions, REPO } from './derive';

/** The documented example infra/ram-policy.json is generated for: the config defaults plus this bucket. */
const EXAMPLE_ENV = { OSS_BUCKET: 'gitlab-backups' };
const PROD_ENV = {
  FC_ACCOUNT_ID: '5123456789012345', OSS_BUCKET: 'acme-gitlab-backups', OSS_PREFIX: 'nightly/', BACKUP_INSTANCE_ID: 'i-mj7abc',
  ASK_CLUSTER_ID: 'c1234567890abcdef', FC_DEPLOY_REGION: 'ap-southeast-1', ECS_REGION: 'ap-southeast-1', WORKER_FUNCTION: 'ops-worker',
};
const actions = (p: RamPolicy): Set<string> => new Set(p.Statement.flatMap((s) => s.Action));
const tmp = mkdtempSync(join(tmpdir(), 'policy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** s.yaml with its shared logConfig / vpcConfig vars removed. */
function sYamlWithout(...keys: Array<'logConfig' | 'vpcConfig'>): string {
  let text = readFileSync(join(REPO, 's.yaml'), 'utf8');
  for (const k of keys) text = text.replace(new RegExp(`^ +${k}: \\$\\{vars\\.${k}\\}\\n`, 'gm'), '');
  const path = join(tmp, `s-${keys.join('-')}.yaml`);
  writeFileSync(path, text);
  return path;
}

describe('the generated RAM policy is least privilege for the code (ops policy, infra/ram-policy.json)', () => {
  const used = derivedRamActions();
  const platform = new Set([...LOG_ACTIONS, ...VPC_ACTIONS]);

  it('finds the ports (guards against a derivation that silently matches nothing)', () => {
    expect([...used.keys()]).toEqual(expect.arrayContaining(['dm:SingleSendMail', 'ecs:RunCommand', 'cs:DescribeClusterUserKubeconfig', 'fc:InvokeFunction', 'oss:GetObject']));
    expect([...used.keys()].filter((a) => a.startsWith('unmapped:'))).toEqual([]);
  });

  it('infra/ram-policy.json is the generator\'s output for the documented example (defaults + OSS_BUCKET=gitlab-backups)', async () => {
    const file = JSON.parse(readFileSync(join(REPO, 'infra/ram-policy.json'), 'utf8')) as RamPolicy;
    expect(file).toEqual((await policyFor(EXAMPLE_ENV)).policy);
  });

  it('grants every action the code calls, plus SLS and VPC/ENI for s.yaml\'s logConfig and vpcConfig, and nothing else', async () => {
    const { policy } = await policyFor(PROD_ENV);
    const granted = actions(policy);
    const missing = [...used.keys()].filter((a) => !granted.has(a)).map((a) => `${a} (used in ${used.get(a)!.join(', ')})`);
    expect(missing).toEqual([]);
    expect([...granted].filter((a) => !used.has(a) && !platform.has(a))).toEqual([]);
    for (const a of platform) expect(granted.has(a), a).toBe(true);
    expect([...granted].filter((a) => a.includes('*'))).toEqual([]);
    expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('the platform statements follow s.yaml: no logConfig → no SLS, no vpcConfig → no ENI, --without-platform → neither', async () => {
    const noLogs = actions((await policyFor(PROD_ENV, { sYaml: sYamlWithout('logConfig') })).policy);
    expect(LOG_ACTIONS.some((a) => noLogs.has(a))).toBe(false);
    expect(VPC_ACTIONS.every((a) => noLogs.has(a))).toBe(true);
    const noVpc = actions((await policyFor(PROD_ENV, { sYaml: sYamlWithout('vpcConfig') })).policy);
    expect(VPC_ACTIONS.some((a) => noVpc.has(a))).toBe(false);
    const bare = await policyFor(PROD_ENV, { platform: false });
    expect([...actions(bare.policy)].filter((a) => platform.has(a))).toEqual([]);
    expect(bare.notes.join('\n')).toContain('--without-platform');
  });

  it('scopes each resource to the configured account, region, instance, cluster, function, logstore and bucket prefix', async () => {
    const { policy, notes } = await policyFor({ ...PROD_ENV, SLS_PROJECT: 'acme-logs', SLS_LOGSTORE: 'fc' });
    const by = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(by.HandOffToWorker!.Resource).toEqual(['acs:fc:ap-southeast-1:5123456789012345:functions/ops-worker']);
    expect(by.AskKubeconfig!.Resource).toEqual(['acs:cs:ap-southeast-1:5123456789012345:cluster/c1234567890abcdef']);
    expect(by.BackupViaCloudAssistant!.Resource).toEqual(['acs:ecs:ap-southeast-1:5123456789012345:instance/i-mj7abc', 'acs:ecs:ap-southeast-1:5123456789012345:command/*']);
    expect(by.BackupObjects!.Resource).toEqual(['acs:oss:*:5123456789012345:acme-gitlab-backups/nightly/*']);
    expect(by.BackupListing).toMatchObject({ Resource: ['acs:oss:*:5123456789012345:acme-gitlab-backups'], Condition: { StringLike: { 'oss:Prefix': ['nightly/*', 'gitlab-config-backups/*'] } } });
    expect(by.BackupConfigObjects!.Resource).toEqual(['acs:oss:*:5123456789012345:acme-gitlab-backups/gitlab-config-backups/*']);
    expect(by.BackupBucketLifecycleCheck!.Resource).toEqual(['acs:oss:*:5123456789012345:acme-gitlab-backups']);
    expect(by.FunctionLogs!.Resource).toEqual(['acs:log:ap-southeast-1:5123456789012345:project/acme-logs/logstore/fc']);
    expect(notes).toEqual([]);
    for (const s of policy.Statement.filter((x) => x.Action.some((a) => a.startsWith('oss:')))) for (const r of s.Resource) expect(r).toMatch(/^acs:oss:\*:5123456789012345:acme-gitlab-backups(\/(nightly|gitlab-config-backups)\/\*)?$/);
  });

  it('names every widening, and leaves out what is not configured', async () => {
    const example = await policyFor(EXAMPLE_ENV);
    expect(example.notes).toEqual([
      'FC_ACCOUNT_ID is not set: resources name any account (*)',
      'BACKUP_INSTANCE_ID is not set: Cloud Assistant calls are allowed on any instance (instance/*)',
      'ASK_CLUSTER_ID is not set: DescribeClusterUserKubeconfig is allowed on any cluster (cluster/*)',
    ]);
    const narrow = await policyFor({ FC_ACCOUNT_ID: '1', MAIL_ENABLED: 'false', KUBE_CONFIG: Buffer.from('apiVersion: v1').toString('base64') });
    expect(narrow.policy.Statement.map((s) => s.Sid)).toEqual(['HandOffToWorker', 'FunctionLogs', 'FunctionVpcAccess']);
    expect(narrow.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^backup not configured/), expect.stringMatching(/KUBE_CONFIG\/KUBECONFIG_PATH: no CS statement/), 'MAIL_ENABLED=false: no DirectMail statement']));
    await expect(policyFor({ BACKUP_INSTANCE_ID: 'i-1' })).rejects.toThrow(/BACKUP_INSTANCE_ID is set but OSS_BUCKET is not/);
  });

  it('fits RAM\'s document limit', async () => {
    expect(JSON.stringify((await policyFor(PROD_ENV)).policy).length).toBeLessThanOrEqual(RAM_POLICY_MAX_CHARS);
  });

  it('keeps OSS on the backup prefixes only (data and BACKUP_CONFIG_PREFIX; the config prefix read and pruned, never written)', async () => {
    const { policy } = await policyFor(EXAMPLE_ENV);
    const oss = policy.Statement.filter((s) => s.Action.some((a) => a.startsWith('oss:')));
    for (const s of oss) for (const r of s.Resource) expect(r).toMatch(/^acs:oss:\*:\*:gitlab-backups(\/gitlab-(config-)?backups\/\*)?$/);
    expect(oss.filter((s) => s.Resource.some((r) => r.includes('gitlab-config-backups/'))).flatMap((s) => s.Action)).not.toContain('oss:PutObject');
    expect(oss.find((s) => s.Action.includes('oss:ListObjects'))?.Condition).toEqual({ StringLike: { 'oss:Prefix': ['gitlab-backups/*', 'gitlab-config-backups/*'] } });
  });

  it('--drill: the drill pod\'s OSS identity reads and lists the two backup prefixes, nothing else; the functions\' role needs nothing new for the drill', async () => {
    const { policy } = await policyFor(PROD_ENV, { drill: true });
    expect(policy.Statement).toEqual([
      { Sid: 'DrillReadBackups', Effect: 'Allow', Action: ['oss:GetObject'], Resource: ['acs:oss:*:5123456789012345:acme-gitlab-backups/nightly/*', 'acs:oss:*:5123456789012345:acme-gitlab-backups/gitlab-config-backups/*'] },
      { Sid: 'DrillListBackups', Effect: 'Allow', Action: ['oss:ListObjects'], Resource: ['acs:oss:*:5123456789012345:acme-gitlab-backups'], Condition: { StringLike: { 'oss:Prefix': ['nightly/*', 'gitlab-config-backups/*'] } } },
    ]);
    await expect(policyFor({ FC_ACCOUNT_ID: '1' }, { drill: true })).rejects.toThrow(/set OSS_BUCKET/);
  });
});
