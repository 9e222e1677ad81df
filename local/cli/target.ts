import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { SECRET_KEYS } from '#shared/config/sections';
import { AppError } from '#shared/errors/index';
import { kubeconfigList, selectKubeconfig } from './kubeconfig';
import { isMintedToken, readSandbox, SANDBOX_NOT_RUNNING, sandboxDir, type SandboxState } from './sandbox-state';
import { describeTargets, safeUrl, type ClusterChoice, type TargetKind } from './target-line';

export type { TargetKind } from './target-line';
type Env = Record<string, string | undefined>;

/**
 * Shell variables that name a real target. Any of them set while a sandbox runs is ambiguous: the CLI refuses until
 * `--sandbox` or `--no-sandbox` says which one is meant.
 */
export const TARGET_KEYS = ['GITLAB_URL', 'ASK_CLUSTER_ID', 'KUBECONFIG', 'KUBE_CONFIG', 'KUBECONFIG_PATH', 'BACKUP_INSTANCE_ID', 'OSS_BUCKET'] as const;
const isTargetKey = (k: string): boolean => (TARGET_KEYS as readonly string[]).includes(k) || /_ENDPOINT$/.test(k);
/**
 * Credentials, account, regions and the chat webhooks travel with their target: never a shell's real keys against the
 * emulators, nor the sandbox posting to a real Slack or DingTalk. Every secret key counts (SECRET_KEYS), so a new one
 * is covered without a change here.
 */
const COMPANION_KEYS: readonly string[] = [...new Set<string>([...SECRET_KEYS, 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'FC_ACCOUNT_ID', 'FC_REGION', 'ECS_REGION', 'OSS_REGION', 'DM_REGION'])];
/** A key that belongs to a target (the target's name, endpoint, credentials, account or region). */
export const isTargetScoped = (k: string): boolean => isTargetKey(k) || COMPANION_KEYS.includes(k);
const CLUSTER_KEYS = ['ASK_CLUSTER_ID', 'KUBE_CONFIG', 'KUBECONFIG_PATH', 'KUBECONFIG'] as const;
const SECRET_VALUES = new Set(['KUBE_CONFIG']);

export interface TargetOptions {
  /** `--sandbox` / `--no-sandbox`; default auto. */
  mode: 'auto' | 'sandbox' | 'shell';
  kubeconfig?: string;
  context?: string;
}

export interface ResolvedTarget {
  /** The environment the command runs with. */
  env: Env;
  source: 'sandbox' | 'shell';
  sandbox?: SandboxState;
  /** `target: …` — one line, values only (ids, URLs), never a secret. */
  line: string;
  /** Extra facts worth a `note:` line (ignored shell keys, a stale sandbox skipped). */
  notes: string[];
}

const targetError = (message: string, usage = false): AppError => new AppError('CONFIG_INVALID', message, { status: 400, details: { feature: 'target', usage } });

/** `KEY=value` for messages; secret-valued keys show only that they are set. */
function named(env: Env, keys: string[]): string {
  return keys.map((k) => (SECRET_VALUES.has(k) ? `${k} (set)` : `${k}=${/URL$|_ENDPOINT$/.test(k) ? safeUrl(env[k]!) : env[k]}`)).join(', ');
}

/** Which cluster the env (plus `--kubeconfig`/`--context`) names, kubectl-style; refuses two at once from the env. */
function chooseCluster(env: Env, o: TargetOptions, cwd: string, shellSourced: boolean): { choice: ClusterChoice; env: Env } {
  if (o.kubeconfig || o.context) {
    const [files, via, explicit] = o.kubeconfig
      ? [[resolve(cwd, o.kubeconfig)], '--kubeconfig', true]
      : env.KUBECONFIG
        ? [kubeconfigList(env.KUBECONFIG, cwd), 'KUBECONFIG', false]
        : env.KUBECONFIG_PATH
          ? [[resolve(cwd, env.KUBECONFIG_PATH)], 'KUBECONFIG_PATH', true]
          : [[resolve(homedir(), '.kube/config')], '~/.kube/config', true];
    const selection = selectKubeconfig(files, { explicit, source: via, ...(o.context ? { context: o.context } : {}) });
    return { choice: { kind: 'kubeconfig', via: o.context ? `${via}, --context` : via, selection }, env: asKubeConfig(env, selection.yaml) };
  }
  const set = CLUSTER_KEYS.filter((k) => env[k]);
  if (set.length > 1 && shellSourced) throw targetError(`the shell names ${set.length} clusters: ${named(env, set)}; unset all but one (or pass --kubeconfig/--context)`, true);
  if (env.KUBECONFIG) {
    const selection = selectKubeconfig(kubeconfigList(env.KUBECONFIG, cwd), { explicit: false, source: `KUBECONFIG=${env.KUBECONFIG}` });
    return { choice: { kind: 'kubeconfig', via: 'KUBECONFIG', selection }, env: asKubeConfig(env, selection.yaml) };
  }
  if (env.ASK_CLUSTER_ID) return { choice: { kind: 'ask', id: env.ASK_CLUSTER_ID }, env };
  if (env.KUBE_CONFIG) return { choice: { kind: 'kube-config-env' }, env };
  if (env.KUBECONFIG_PATH) {
    const selection = selectKubeconfig([resolve(cwd, env.KUBECONFIG_PATH)], { explicit: true, source: 'KUBECONFIG_PATH' });
    return { choice: { kind: 'kubeconfig', via: 'KUBECONFIG_PATH', selection }, env };
  }
  return { choice: { kind: 'none' }, env };
}

/** The functions read ASK_CLUSTER_ID, then KUBE_CONFIG, then KUBECONFIG_PATH: hand them the one selected config. */
function asKubeConfig(env: Env, yaml: string): Env {
  const { ASK_CLUSTER_ID: _a, KUBECONFIG_PATH: _p, ...rest } = env;
  return { ...rest, KUBE_CONFIG: Buffer.from(yaml).toString('base64') };
}

/**
 * Decide what a command talks to: the running sandbox (`.sandbox/env`) or the shell's variables — never a mix of
 * targets. Auto mode refuses when both name one; a stale sandbox is an error only when nothing else is named.
 * Shell variables that are not targets (LOG_LEVEL, DRY_RUN, MAIL_TO, …) always win over `.sandbox/env`.
 */
export async function resolveTarget(io: { env: Env; cwd: string }, targets: readonly TargetKind[] | ((env: Env) => readonly TargetKind[]), o: TargetOptions): Promise<ResolvedTarget> {
  const shell = io.env;
  const kindsFor = (env: Env): readonly TargetKind[] => (typeof targets === 'function' ? targets(env) : targets);
  let kinds = kindsFor(shell);
  const kubeFlags = [o.kubeconfig ? `--kubeconfig ${o.kubeconfig}` : '', o.context ? `--context ${o.context}` : ''].filter(Boolean);
  // A cluster flag on a command that talks to no cluster would be ignored in silence (and still force shell mode).
  if (kubeFlags.length && !kinds.includes('cluster')) throw targetError(`${kubeFlags.join(' ')}: this command talks to no cluster (it uses ${kinds.join(', ') || 'no service'}); drop the flag`, true);
  if (o.mode === 'sandbox' && kubeFlags.length) throw targetError(`${kubeFlags.join(' ')} names a cluster outside the sandbox; drop it or --sandbox`, true);
  const mode = kubeFlags.length ? 'shell' : o.mode;
  const shellTargets = Object.keys(shell).filter((k) => shell[k] && isTargetKey(k)).sort();
  const notes: string[] = [];
  // The shell's cluster first: a KUBECONFIG naming a missing file is that error, before any talk of the sandbox.
  const shellCluster = kinds.includes('cluster') && mode !== 'sandbox' ? chooseCluster(shell, o, io.cwd, true) : undefined;
  const sandbox = mode === 'shell' ? undefined : await readSandbox(sandboxDir(shell, io.cwd), io.cwd);
  let useSandbox = false;
  if (mode === 'sandbox') {
    if (!sandbox?.running) throw targetError(SANDBOX_NOT_RUNNING);
    useSandbox = true;
  } else if (sandbox && mode === 'auto') {
    if (!sandbox.running && shellTargets.length === 0) throw targetError(SANDBOX_NOT_RUNNING);
    if (!sandbox.running) notes.push(`${sandbox.label}/env ignored: the sandbox is not running`);
    else if (shellTargets.length > 0) {
      const sk = kindsFor(sandbox.env);
      const theirs = describeTargets(sk.length ? sk : ['gitlab', 'cluster', 'instance', 'bucket'], sandbox.env, sandbox.env.ASK_CLUSTER_ID ? { kind: 'ask', id: sandbox.env.ASK_CLUSTER_ID } : { kind: 'none' });
      throw targetError(
        `two targets: the shell names ${named(shell, shellTargets)}; the running sandbox (${sandbox.label}/env) names ${theirs}.\n` +
          'Pass --no-sandbox to use the shell\'s, or --sandbox to use the sandbox\'s.',
        true,
      );
    } else useSandbox = true;
  }
  let env: Env = { ...shell };
  if (useSandbox && sandbox) {
    // A token `sandbox token` minted on this sandbox's GitLab is a rehearsal token, not a shell secret: it may go along.
    const minted = shell.GITLAB_TOKEN !== undefined && shell.GITLAB_TOKEN !== '' && isMintedToken(sandbox, shell.GITLAB_TOKEN);
    const ignored = Object.keys(shell).filter((k) => shell[k] && (isTargetKey(k) || COMPANION_KEYS.includes(k)) && !(minted && k === 'GITLAB_TOKEN')).sort();
    if (ignored.length) notes.push(`shell ${ignored.join(', ')} not used: the sandbox's targets and keys are`);
    env = { ...sandbox.env };
    for (const [k, v] of Object.entries(shell)) if (v !== undefined && !isTargetKey(k) && !COMPANION_KEYS.includes(k)) env[k] = v;
    if (minted) {
      env.GITLAB_TOKEN = shell.GITLAB_TOKEN;
      notes.push('shell GITLAB_TOKEN used: a token sandbox token minted on this sandbox\'s GitLab');
    }
  }
  kinds = kindsFor(env);
  const none = { choice: { kind: 'none' } as ClusterChoice, env };
  const cluster = !kinds.includes('cluster') ? none : useSandbox ? chooseCluster(env, o, io.cwd, false) : (shellCluster ?? chooseCluster(env, o, io.cwd, true));
  const where = useSandbox && sandbox ? `sandbox (${sandbox.label}${sandbox.pid ? `, pid ${sandbox.pid}` : ''})` : 'shell env';
  return { env: cluster.env, source: useSandbox ? 'sandbox' : 'shell', ...(useSandbox && sandbox ? { sandbox } : {}), notes, line: `target: ${where}: ${describeTargets(kinds, env, cluster.choice)}` };
}

/** For commands that drive the sandbox itself (`sandbox push`, …): its state, or the not-running error. */
export async function requireSandbox(io: { env: Env; cwd: string }): Promise<{ sandbox: SandboxState; line: string }> {
  const sandbox = await readSandbox(sandboxDir(io.env, io.cwd), io.cwd);
  if (!sandbox?.running) throw targetError(SANDBOX_NOT_RUNNING);
  const index = sandbox.urls.index ? ` index ${sandbox.urls.index}` : '';
  return { sandbox, line: `target: sandbox (${sandbox.label}${sandbox.pid ? `, pid ${sandbox.pid}` : ''})${index}` };
}
