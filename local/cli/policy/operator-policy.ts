import type { PolicyInputs, RamPolicy, RamStatement } from './ram-policy';

/**
 * The FC reads of `ops doctor` and `ops status`: GetFunction, GetAsyncInvokeConfig (RAM action
 * fc:GetFunctionAsyncInvokeConfig, help.aliyun.com/zh/functioncompute/fc/developer-reference/api-fc-2023-03-30-getasyncinvokeconfig),
 * ListTriggers, ListAsyncTasks. The RAM action names of ListTriggers and ListAsyncTasks are UNCONFIRMED (assumed
 * equal to the API names, as for GetFunction).
 */
export const OPERATOR_FC_ACTIONS = ['fc:GetFunction', 'fc:GetFunctionAsyncInvokeConfig', 'fc:ListTriggers', 'fc:ListAsyncTasks'];

/**
 * What a person (or CI job) running `ops doctor`, `ops status` and `ops backups` needs: reads only, plus the one
 * RunCommand of the read-only host probe. Scoped like the functions' policy (same inputs, same notes).
 */
export function generateOperatorPolicy(i: PolicyInputs, functions: string[]): RamPolicy {
  const at = (service: string, resource: string, region = i.region): string => `acs:${service}:${region}:${i.account}:${resource}`;
  const s: RamStatement[] = [{ Sid: 'ReadFunctions', Effect: 'Allow', Action: OPERATOR_FC_ACTIONS, Resource: functions.map((f) => at('fc', `functions/${f}`)) }];
  if (i.cluster) s.push({ Sid: 'AskKubeconfig', Effect: 'Allow', Action: ['cs:DescribeClusterUserKubeconfig'], Resource: [at('cs', `cluster/${i.cluster.id}`)] });
  if (i.backup) {
    const b = i.backup;
    const bucket = `acs:oss:*:${i.account}:${b.bucket}`;
    s.push(
      // The host probe is one RunCommand of a read-only script (shared/backup/preflight/host-probe.ts).
      { Sid: 'ProbeBackupHost', Effect: 'Allow', Action: ['ecs:DescribeCloudAssistantStatus', 'ecs:RunCommand', 'ecs:DescribeInvocations', 'ecs:DescribeInvocationResults'], Resource: [at('ecs', `instance/${b.instanceId}`, b.ecsRegion), at('ecs', 'command/*', b.ecsRegion)] },
      { Sid: 'ReadBackups', Effect: 'Allow', Action: ['oss:GetObject'], Resource: [`${bucket}/${b.prefix}*`] },
      // Both prefixes, as listBackupObjects (shared/backup/inventory.ts) lists them: the /etc/gitlab archives under
      // BACKUP_CONFIG_PREFIX decide whether a backup counts as verified. Reads stay under the data prefix.
      { Sid: 'ListBackups', Effect: 'Allow', Action: ['oss:ListObjects'], Resource: [bucket], Condition: { StringLike: { 'oss:Prefix': [...new Set([`${b.prefix}*`, `${b.configPrefix}*`])] } } },
      { Sid: 'ReadBucketLifecycle', Effect: 'Allow', Action: ['oss:GetBucketLifecycle'], Resource: [bucket] },
    );
  }
  // DescAccountSummary: doctor's mail.account (the account's UserStatus), local/cli/doctor/checks/mail-account.ts.
  if (i.mail) s.push({ Sid: 'CheckMailSender', Effect: 'Allow', Action: ['dm:QueryMailAddressByParam', 'dm:DescAccountSummary'], Resource: ['*'] });
  return { Version: '1', Statement: s };
}
