import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FcCredential } from '#local/fc/fc-auth';
import { FunctionHost } from '#local/runtime/function-host';
import { loadSYaml } from '#local/runtime/s-yaml';
import type { CliCommand, CliIo } from './index';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Keys that mean "this shell is configured for real services": when any is set, `.sandbox/env` is not applied, so an
 * operator's `GITLAB_URL=… npm run -s ops -- invoke …` never gets silently redirected to the sandbox.
 */
export const REAL_TARGET_KEYS = ['GITLAB_URL', 'ASK_CLUSTER_ID', 'KUBE_CONFIG', 'KUBECONFIG_PATH', 'FC_ENDPOINT', 'ECS_ENDPOINT', 'OSS_ENDPOINT', 'DM_ENDPOINT', 'CS_ENDPOINT'] as const;

/** Parse `.sandbox/env` (`KEY=VALUE` lines as local/start.ts writes them; `\n` escaped). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/\\n/g, '\n');
  }
  return out;
}

/** The environment the handler runs with: the shell's, plus `.sandbox/env` when it exists and nothing real is set. */
export function invokeEnv(env: Record<string, string | undefined>, sandboxFile: string, mode: 'auto' | 'on' | 'off'): { env: Record<string, string | undefined>; sandbox: boolean } {
  const real = REAL_TARGET_KEYS.filter((k) => env[k]);
  const use = existsSync(sandboxFile) && (mode === 'on' || (mode === 'auto' && real.length === 0));
  return use ? { env: { ...env, ...parseEnvFile(readFileSync(sandboxFile, 'utf8')) }, sandbox: true } : { env, sandbox: false };
}

/** Event bytes from `--event`: `-` = stdin, text starting with `{`/`[` = inline JSON, anything else = a file. */
export async function readEvent(arg: string | undefined, io: CliIo): Promise<Buffer> {
  if (arg === undefined) return Buffer.from('{}');
  if (arg === '-') return Buffer.from(await io.stdin());
  if (/^\s*[[{]/.test(arg)) return Buffer.from(arg);
  const file = isAbsolute(arg) ? arg : resolve(io.cwd, arg);
  if (!existsSync(file)) throw new Error(`event file not found: ${file}`);
  return readFileSync(file);
}

interface Args {
  fn?: string;
  event?: string;
  sandbox: 'auto' | 'on' | 'off';
}

function parseArgs(args: string[]): Args {
  const out: Args = { sandbox: 'auto' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--event' || a === '-e') out.event = args[++i];
    else if (a.startsWith('--event=')) out.event = a.slice(8);
    else if (a === '--sandbox') out.sandbox = 'on';
    else if (a === '--no-sandbox') out.sandbox = 'off';
    else if (!a.startsWith('-') && !out.fn) out.fn = a;
    else throw new Error(`unexpected argument "${a}"`);
  }
  return out;
}

/** A result that reports failure: a worker `status: failed` or an HTTP response ≥ 400. */
const failed = (r: unknown): boolean => {
  const o = (r ?? {}) as { status?: unknown; statusCode?: unknown };
  return o.status === 'failed' || (typeof o.statusCode === 'number' && o.statusCode >= 400);
};

/**
 * `invoke <function> [--event FILE|-|JSON] [--sandbox|--no-sandbox]`: run the handler in-process the way FC does
 * (event as a Buffer; context with requestId, credentials, function timeout/memory from s.yaml) and print the JSON
 * result on stdout. The function's logs go to stderr meanwhile, so the output pipes cleanly into `jq`.
 *
 * @example npm run -s ops -- invoke ops-worker --event '{"action":"backup","dryRun":true}'
 */
export const invokeCommand: CliCommand = {
  name: 'invoke',
  usage: 'invoke <function> [--event FILE|-|JSON]',
  summary: 'run a handler locally with an FC-shaped event (sandbox env from .sandbox/env)',
  async run(args, io) {
    let a: Args;
    try {
      a = parseArgs(args);
      if (!a.fn) throw new Error('missing <function>');
    } catch (e) {
      io.err(`${(e as Error).message}\nusage: npm run -s ops -- ${invokeCommand.usage}`);
      return 2;
    }
    const { env, sandbox } = invokeEnv(io.env, join(io.env.SANDBOX_DIR ?? join(REPO, '.sandbox'), 'env'), a.sandbox);
    const specs = await loadSYaml(io.env.S_YAML ?? join(REPO, 's.yaml'), { env, ...(env.FC_ACCOUNT_ID ? { accountId: env.FC_ACCOUNT_ID } : {}) });
    const spec = specs.find((s) => s.functionName === a.fn);
    if (!spec) {
      io.err(`unknown function "${a.fn}"; s.yaml defines: ${specs.map((s) => s.functionName).join(', ')}`);
      return 2;
    }
    const event = await readEvent(a.event, io);
    // The deployed function sees s.yaml's variables; locally the shell's (or sandbox's) extra keys stay visible too.
    const fnEnv: Record<string, string | undefined> = { ...env };
    for (const [k, v] of Object.entries(spec.environmentVariables)) if (v !== '' && fnEnv[k] === undefined) fnEnv[k] = v;
    const id = fnEnv.ALIBABA_CLOUD_ACCESS_KEY_ID;
    const secret = fnEnv.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    // FC hands `{}` to a function without a role; with keys in the env they play the role's STS credentials.
    const credentials = (id && secret ? { accessKeyId: id, accessKeySecret: secret, ...(fnEnv.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: fnEnv.ALIBABA_CLOUD_SECURITY_TOKEN } : {}) } : {}) as FcCredential;
    const host = new FunctionHost({ functions: [spec], credentials, accountId: fnEnv.FC_ACCOUNT_ID ?? '1234567890123456' });
    const requestId = `local-${randomUUID()}`;
    io.err(`invoke ${spec.functionName} (${sandbox ? 'sandbox env from .sandbox/env' : 'environment as given'}) requestId=${requestId}`);
    const restoreEnv = applyEnv(fnEnv);
    const restoreOut = stdoutToStderr();
    let result: unknown;
    let error: Error | undefined;
    try {
      result = await host.invoke(spec.functionName, event, { requestId });
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    } finally {
      restoreOut();
      restoreEnv();
    }
    if (error) {
      // FC's shape for an unhandled invocation error.
      io.out(JSON.stringify({ errorType: error.name, errorMessage: error.message }, null, 2));
      return 1;
    }
    io.out(JSON.stringify(result ?? null, null, 2));
    return failed(result) ? 1 : 0;
  },
};

/** Handlers read process.env at cold start (shared/config loadConfig); set it for the call, then put it back. */
function applyEnv(env: Record<string, string | undefined>): () => void {
  const saved = { ...process.env };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
  return () => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  };
}

/** Route stdout writes (the JSON logger's sink) to stderr while the handler runs. */
function stdoutToStderr(): () => void {
  const original = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
  };
}
