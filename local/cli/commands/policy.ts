import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '#shared/config/index';
import { loadSYaml } from '#local/runtime/s-yaml';
import { UsageError } from '../args';
import { generateDrillOssPolicy } from '../policy/drill-policy';
import { generateOperatorPolicy } from '../policy/operator-policy';
import { generateOssfsPolicy } from '../policy/ossfs-policy';
import { generateRamPolicy, policyInputs, RAM_POLICY_MAX_CHARS, TRUST_POLICY, type RamPolicy } from '../policy/ram-policy';
import { defineCommand } from '../registry';

const REPO_S_YAML = fileURLToPath(new URL('../../../s.yaml', import.meta.url));

/** The policy for a configuration (env as the functions read it) and the s.yaml it is deployed with. */
export async function policyFor(env: Record<string, string | undefined>, o: { sYaml?: string; platform?: boolean; operator?: boolean; drill?: boolean; ossfs?: boolean } = {}): Promise<{ policy: RamPolicy; notes: string[] }> {
  const config = loadConfig(env);
  const functions = await loadSYaml(o.sYaml ?? REPO_S_YAML, { env, ...(config.env.FC_ACCOUNT_ID ? { accountId: config.env.FC_ACCOUNT_ID } : {}) });
  const region = functions[0]?.region;
  const { inputs, notes } = policyInputs(config.env, functions, { platform: o.platform ?? true, ...(region ? { region } : {}) });
  if (o.operator) return { policy: generateOperatorPolicy(inputs, functions.map((f) => f.functionName)), notes: notes.filter((n) => !/platform/.test(n)) };
  if (o.drill) return { policy: generateDrillOssPolicy(inputs), notes: notes.filter((n) => /FC_ACCOUNT_ID/.test(n)) };
  if (o.ossfs) return { policy: generateOssfsPolicy(inputs, config.env.BACKUP_MODE), notes: [...notes.filter((n) => /FC_ACCOUNT_ID/.test(n)), ...ossfsNotes(config.env)] };
  return { policy: generateRamPolicy(inputs), notes };
}

/** What `policy --ossfs` widens for the configuration: the delete right of direct mode, an empty prefix. */
function ossfsNotes(env: { BACKUP_MODE: 'staged' | 'direct'; OSS_PREFIX: string; BACKUP_CONFIG_PREFIX: string }): string[] {
  const notes = env.BACKUP_MODE === 'direct'
    ? ['BACKUP_MODE=direct: the ossfs user may delete anything under OSS_PREFIX (GitLab writes and cleans up its own files on the mount)']
    : ['BACKUP_MODE=staged: the ossfs user deletes only the .<name>.partial copies it renames; run policy --ossfs again after switching to direct'];
  for (const k of ['OSS_PREFIX', 'BACKUP_CONFIG_PREFIX'] as const) if (!env[k].replace(/\//g, '')) notes.push(`${k} is the bucket root (/): the ossfs user reads and writes the whole bucket`);
  return notes;
}

/**
 * `policy [--trust] [--without-platform]`: the RAM policy of the functions' role, generated from the configuration
 * in the shell (OSS_BUCKET, OSS_PREFIX, BACKUP_INSTANCE_ID, ASK_CLUSTER_ID, FC_ACCOUNT_ID, WORKER_FUNCTION, MAIL_ENABLED)
 * and s.yaml (region, logConfig, vpcConfig); `--trust` prints the role's trust policy instead, `--operator` the
 * read-only policy of the person running `ops doctor`/`status`/`backups`, `--drill` the drill pod's OSS reads,
 * `--ossfs` the GitLab host's ossfs RAM user (BACKUP_MODE, OSS_PREFIX, BACKUP_CONFIG_PREFIX). Offline: nothing is
 * created; docs/deploy.md §2 shows the `aliyun ram` calls that apply it. Notes (widened or omitted statements) go
 * to stderr.
 */
export const policyCommand = defineCommand({
  name: 'policy',
  summary: 'print the least-privilege RAM policy (or --trust policy) of the functions\' role, from config and s.yaml',
  flags: [
    { name: '--trust', summary: 'print the role\'s trust policy (fc.aliyuncs.com may assume it) instead' },
    { name: '--operator', summary: 'print the read-only policy of whoever runs ops doctor / status / backups instead' },
    { name: '--drill', summary: 'print the read-only OSS policy of the restore drill pod\'s identity (DRILL_OSS_AUTH) instead' },
    { name: '--ossfs', summary: 'print the policy of the GitLab host\'s ossfs RAM user (the backup mount\'s AccessKey) instead' },
    { name: '--without-platform', summary: 'leave out the SLS and VPC statements (when FC\'s service-linked role covers them)' },
    { name: '--compact', summary: 'one line of JSON (as aliyun ram CreatePolicy --PolicyDocument takes it)' },
  ],
  details: 'Reads OSS_BUCKET, OSS_PREFIX, BACKUP_INSTANCE_ID, ECS_REGION, ASK_CLUSTER_ID, FC_ACCOUNT_ID, WORKER_FUNCTION,\nMAIL_ENABLED and s.yaml (S_YAML, FC_DEPLOY_REGION, SLS_PROJECT, SLS_LOGSTORE); --ossfs also BACKUP_MODE and\nBACKUP_CONFIG_PREFIX. Unknown ids become * (noted on stderr).',
  check: (a) => {
    if (a.positionals.length) throw new UsageError(`unexpected argument "${a.positionals[0]}"`);
    const modes = ['trust', 'operator', 'drill', 'ossfs', 'without-platform'].filter((k) => a.flags[k]);
    if (modes.length > 1) throw new UsageError(`--${modes.join(' and --')} exclude each other`);
  },
  async run({ args, io }) {
    const print = (doc: unknown): void => io.out(args.flags.compact ? JSON.stringify(doc) : JSON.stringify(doc, null, 2));
    if (args.flags.trust) return print(TRUST_POLICY), 0;
    const sYaml = io.env.S_YAML ? resolve(io.cwd, io.env.S_YAML) : undefined;
    const { policy, notes } = await policyFor(io.env, { ...(sYaml ? { sYaml } : {}), platform: !args.flags['without-platform'], operator: args.flags.operator === true, drill: args.flags.drill === true, ossfs: args.flags.ossfs === true });
    for (const n of notes) io.err(`note: ${n}`);
    const size = JSON.stringify(policy).length;
    if (size > RAM_POLICY_MAX_CHARS) io.err(`warning: the policy is ${size} characters; RAM takes at most ${RAM_POLICY_MAX_CHARS} per document`);
    print(policy);
    return 0;
  },
});
