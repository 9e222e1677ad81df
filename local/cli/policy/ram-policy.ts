import type { Env } from '#shared/config/index';
import type { FunctionSpec } from '#local/runtime/s-yaml';

/** One statement of a RAM policy (https://alibabacloud.com/help/en/functioncompute/fc-3-0/developer-reference/api-fc-2023-03-30-ram). */
export interface RamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

export interface RamPolicy {
  Version: '1';
  Statement: RamStatement[];
}

/** What the policy is scoped to; `*` where a value is not known (each widening is named in `notes`). */
export interface PolicyInputs {
  region: string;
  account: string;
  workerFunction: string;
  /** Backup (Cloud Assistant + OSS): present when BACKUP_INSTANCE_ID or OSS_BUCKET is set. */
  backup?: { bucket: string; prefix: string; configPrefix: string; instanceId: string; ecsRegion: string };
  /** CS DescribeClusterUserKubeconfig: unless the cluster comes from KUBE_CONFIG/KUBECONFIG_PATH alone. */
  cluster?: { id: string };
  mail: boolean;
  /** s.yaml `logConfig` of the functions: FC writes their logs to this logstore. */
  logs?: { project: string; logstore: string };
  /** s.yaml `vpcConfig`: FC attaches ENIs in the VPC. */
  vpc: boolean;
}

/** CreatePolicy takes 1–6,144 characters (https://alibabacloud.com/help/en/resource-management/api-createpolicy). */
export const RAM_POLICY_MAX_CHARS = 6144;

/**
 * FC's ENI and VPC reads for `vpcConfig`: the VPC reads the network-settings guide asks of the role
 * (https://www.alibabacloud.com/help/en/fc/user-guide/configure-network-settings) and the ENI actions of FC's own
 * service-linked policy (https://www.alibabacloud.com/help/en/ram/developer-reference/aliyunservicerolepolicyforfc),
 * without its tagging and security-group edits. Whether FC 3.0 uses the function's role or its service-linked role
 * AliyunServiceRoleForFC for them is UNCONFIRMED (docs/adr/0025): `policy --without-platform` leaves them out.
 */
export const VPC_ACTIONS = [
  'vpc:DescribeVSwitchAttributes',
  'vpc:DescribeVpcAttribute',
  'ecs:CreateNetworkInterface',
  'ecs:DeleteNetworkInterface',
  'ecs:DescribeNetworkInterfaces',
  'ecs:CreateNetworkInterfacePermission',
  'ecs:DescribeNetworkInterfacePermissions',
  'ecs:DeleteNetworkInterfacePermission',
];
/** Writing function logs to SLS (s.yaml logConfig; same UNCONFIRMED as VPC_ACTIONS). */
export const LOG_ACTIONS = ['log:PostLogStoreLogs'];

/** The Cloud Assistant calls of the backup and its preflight (shared/backup). */
const ECS_ACTIONS = ['ecs:RunCommand', 'ecs:DescribeInvocations', 'ecs:DescribeInvocationResults', 'ecs:DescribeCloudAssistantStatus'];

/**
 * The function role's policy, least privilege for the calls the code makes (test/policy/ram-policy.test.ts derives
 * them from shared/ and functions/ and fails on any action granted but not called, or called but not granted).
 */
export function generateRamPolicy(i: PolicyInputs): RamPolicy {
  const at = (service: string, resource: string, region = i.region): string => `acs:${service}:${region}:${i.account}:${resource}`;
  const s: RamStatement[] = [
    { Sid: 'HandOffToWorker', Effect: 'Allow', Action: ['fc:InvokeFunction'], Resource: [at('fc', `functions/${i.workerFunction}`)] },
  ];
  if (i.cluster) s.push({ Sid: 'AskKubeconfig', Effect: 'Allow', Action: ['cs:DescribeClusterUserKubeconfig'], Resource: [at('cs', `cluster/${i.cluster.id}`)] });
  if (i.backup) {
    const b = i.backup;
    const bucket = `acs:oss:*:${i.account}:${b.bucket}`;
    s.push(
      { Sid: 'BackupViaCloudAssistant', Effect: 'Allow', Action: ECS_ACTIONS, Resource: [at('ecs', `instance/${b.instanceId}`, b.ecsRegion), at('ecs', 'command/*', b.ecsRegion)] },
      { Sid: 'BackupObjects', Effect: 'Allow', Action: ['oss:GetObject', 'oss:PutObject', 'oss:DeleteObject'], Resource: [`${bucket}/${b.prefix}*`] },
      // The /etc/gitlab archives (BACKUP_CONFIG_PREFIX): the host writes them through its mount; we verify and prune.
      { Sid: 'BackupConfigObjects', Effect: 'Allow', Action: ['oss:GetObject', 'oss:DeleteObject'], Resource: [`${bucket}/${b.configPrefix}*`] },
      { Sid: 'BackupListing', Effect: 'Allow', Action: ['oss:ListObjects'], Resource: [bucket], Condition: { StringLike: { 'oss:Prefix': [`${b.prefix}*`, `${b.configPrefix}*`] } } },
      { Sid: 'BackupBucketLifecycleCheck', Effect: 'Allow', Action: ['oss:GetBucketLifecycle'], Resource: [bucket] },
    );
  }
  // DirectMail has no resource-level authorization: "*" is the only resource it takes.
  if (i.mail) s.push({ Sid: 'ReportMail', Effect: 'Allow', Action: ['dm:SingleSendMail', 'dm:QueryMailAddressByParam'], Resource: ['*'] });
  if (i.logs) s.push({ Sid: 'FunctionLogs', Effect: 'Allow', Action: LOG_ACTIONS, Resource: [at('log', `project/${i.logs.project}/logstore/${i.logs.logstore}`)] });
  // ENIs are created before the function has a resource of its own to name: FC's own policy grants them on "*".
  if (i.vpc) s.push({ Sid: 'FunctionVpcAccess', Effect: 'Allow', Action: VPC_ACTIONS, Resource: ['*'] });
  return { Version: '1', Statement: s };
}

/** The role's trust policy: only Function Compute may assume it (FC then hands its STS keys to the functions). */
export const TRUST_POLICY = {
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['fc.aliyuncs.com'] } }],
  Version: '1',
} as const;

/**
 * Policy inputs from the parsed configuration and s.yaml's functions (logConfig, vpcConfig), with a note for every
 * resource widened to `*` because its id is not configured, and for every statement left out.
 */
export function policyInputs(env: Env, functions: FunctionSpec[], o: { platform: boolean; region?: string }): { inputs: PolicyInputs; notes: string[] } {
  const notes: string[] = [];
  const region = o.region ?? env.FC_REGION;
  const account = env.FC_ACCOUNT_ID ?? '*';
  if (account === '*') notes.push('FC_ACCOUNT_ID is not set: resources name any account (*)');
  let backup: PolicyInputs['backup'];
  if (env.BACKUP_INSTANCE_ID || env.OSS_BUCKET) {
    if (!env.OSS_BUCKET) throw new Error('BACKUP_INSTANCE_ID is set but OSS_BUCKET is not: the backup statements need the bucket');
    if (!env.BACKUP_INSTANCE_ID) notes.push('BACKUP_INSTANCE_ID is not set: Cloud Assistant calls are allowed on any instance (instance/*)');
    backup = { bucket: env.OSS_BUCKET, prefix: env.OSS_PREFIX, configPrefix: env.BACKUP_CONFIG_PREFIX, instanceId: env.BACKUP_INSTANCE_ID ?? '*', ecsRegion: env.ECS_REGION ?? region };
  } else notes.push('backup not configured (no BACKUP_INSTANCE_ID, OSS_BUCKET): no ECS or OSS statements');
  const fromKubeconfig = !env.ASK_CLUSTER_ID && Boolean(env.KUBE_CONFIG || env.KUBECONFIG_PATH);
  if (fromKubeconfig) notes.push('the cluster comes from KUBE_CONFIG/KUBECONFIG_PATH: no CS statement');
  else if (!env.ASK_CLUSTER_ID) notes.push('ASK_CLUSTER_ID is not set: DescribeClusterUserKubeconfig is allowed on any cluster (cluster/*)');
  if (!env.MAIL_ENABLED) notes.push('MAIL_ENABLED=false: no DirectMail statement');
  const log = functions.map((f) => f.logConfig).find((l) => l && typeof l.project === 'string' && typeof l.logstore === 'string');
  const vpc = functions.some((f) => f.vpcConfig !== undefined);
  if (!o.platform && (log || vpc)) notes.push('--without-platform: no SLS or VPC statements (FC\'s service-linked role AliyunServiceRoleForFC must cover them)');
  const inputs: PolicyInputs = {
    region,
    account,
    workerFunction: env.WORKER_FUNCTION,
    ...(backup ? { backup } : {}),
    ...(fromKubeconfig ? {} : { cluster: { id: env.ASK_CLUSTER_ID ?? '*' } }),
    mail: env.MAIL_ENABLED,
    ...(o.platform && log ? { logs: { project: String(log.project), logstore: String(log.logstore) } } : {}),
    vpc: o.platform && vpc,
  };
  return { inputs, notes };
}
