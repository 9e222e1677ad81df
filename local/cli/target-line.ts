import { describeKubeconfigText, type KubeSelection } from './kubeconfig';

/** What a command talks to; each is named on the `target:` line when the command uses it. */
export type TargetKind = 'gitlab' | 'cluster' | 'instance' | 'bucket' | 'fc';

/** The cluster as resolved: an ASK cluster id, a kubeconfig file chain (+ context), or KUBE_CONFIG. */
export type ClusterChoice =
  | { kind: 'ask'; id: string }
  | { kind: 'kubeconfig'; via: string; selection: KubeSelection }
  | { kind: 'kube-config-env' }
  | { kind: 'none' };

type Env = Record<string, string | undefined>;

/** A URL without user info, query or fragment: what may be printed. */
export function safeUrl(u: string): string {
  try {
    const url = new URL(u);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

const via = (env: Env, key: string, fallback: string): string => (env[key] ? `via ${safeUrl(env[key])}` : fallback);

function cluster(env: Env, c: ClusterChoice): string {
  if (c.kind === 'ask') return `cluster ASK ${c.id} ${via(env, 'CS_ENDPOINT', `(cs.${env.FC_REGION ?? 'ap-northeast-2'})`)}`;
  if (c.kind === 'kubeconfig') {
    const s = c.selection;
    const skipped = s.missing.length ? ` (missing, skipped: ${s.missing.join(', ')})` : '';
    return `cluster ${s.files.join(':')} context ${s.context}${s.server ? ` → ${safeUrl(s.server)}` : ''} (${c.via})${skipped}`;
  }
  if (c.kind === 'kube-config-env') {
    const d = describeKubeconfigText(Buffer.from(env.KUBE_CONFIG ?? '', 'base64').toString('utf8'));
    return `cluster KUBE_CONFIG context ${d.context ?? '(none)'}${d.server ? ` → ${safeUrl(d.server)}` : ''}`;
  }
  return 'cluster (not set: ASK_CLUSTER_ID, KUBECONFIG or --kubeconfig)';
}

/** One `kind value` part per target; values are ids and URLs only, never a token or key. */
export function describeTargets(kinds: readonly TargetKind[], env: Env, c: ClusterChoice): string {
  const parts = kinds.map((k) => {
    if (k === 'gitlab') return env.GITLAB_URL ? `gitlab ${safeUrl(env.GITLAB_URL)}` : 'gitlab (GITLAB_URL not set)';
    if (k === 'cluster') return cluster(env, c);
    if (k === 'instance') {
      const region = env.ECS_REGION || env.FC_REGION || 'ap-northeast-2';
      return env.BACKUP_INSTANCE_ID ? `instance ${env.BACKUP_INSTANCE_ID} ${via(env, 'ECS_ENDPOINT', `(${region})`)}` : 'instance (BACKUP_INSTANCE_ID not set)';
    }
    if (k === 'bucket') {
      const region = env.OSS_REGION || `oss-${env.FC_REGION ?? 'ap-northeast-2'}`;
      return env.OSS_BUCKET ? `bucket oss://${env.OSS_BUCKET}/${env.OSS_PREFIX ?? 'gitlab-backups/'} ${via(env, 'OSS_ENDPOINT', `(${region})`)}` : 'bucket (OSS_BUCKET not set)';
    }
    const account = env.FC_ACCOUNT_ID ? `account ${env.FC_ACCOUNT_ID}, ` : '';
    return `fc ${env.WORKER_FUNCTION || 'ops-worker'} ${via(env, 'FC_ENDPOINT', `(${account}${env.FC_REGION ?? 'ap-northeast-2'})`)}`;
  });
  return parts.length ? parts.join(' · ') : 'none';
}
