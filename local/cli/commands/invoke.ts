import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FcCredential } from '#local/fc/fc-auth';
import { FunctionHost } from '#local/runtime/function-host';
import { loadSYaml } from '#local/runtime/s-yaml';
import { str, UsageError } from '../args';
import { unknownMessage } from '../did-you-mean';
import { captureStdoutLines, createLogView, type LogMode } from '../progress';
import { defineCommand } from '../registry';
import { isTargetScoped } from '../target';
import { invokeTargets, readEvent } from './invoke-event';

export { readEvent } from './invoke-event';
export { parseEnvFile } from '../sandbox-state';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/** A result that reports failure: a worker `status: failed` or an HTTP response ≥ 400. */
const failed = (r: unknown): boolean => {
  const o = (r ?? {}) as { status?: unknown; statusCode?: unknown };
  return o.status === 'failed' || (typeof o.statusCode === 'number' && o.statusCode >= 400);
};

/**
 * `invoke <function> [--event FILE|-|JSON]`: run the handler in-process the way FC does (event as a Buffer; context
 * with requestId, credentials, function timeout/memory from s.yaml) and print the JSON result on stdout. The
 * function's logs go to stderr meanwhile — drawn as progress on a terminal — so the output pipes cleanly into `jq`.
 *
 * @example npm run -s ops -- invoke ops-worker --event '{"action":"backup","dryRun":true}'
 */
export const invokeCommand = defineCommand({
  name: 'invoke',
  usage: '<function> [--event FILE|-|JSON] [--quiet | --logs]',
  summary: 'run a handler locally with an FC-shaped event; prints the JSON result',
  flags: [
    { name: '--event', alias: '-e', value: 'FILE|-|JSON', summary: 'the event: a file, - for stdin, or inline JSON (default {})' },
    { name: '--quiet', alias: '-q', summary: 'no progress on stderr; only the function\'s warnings and errors (the default when stderr is not a terminal)' },
    { name: '--logs', summary: 'every JSON log line of the function on stderr, as written (for jq or a log file)' },
  ],
  check: (a) => {
    if (!a.positionals[0]) throw new UsageError('missing <function>');
    if (a.positionals.length > 1) throw new UsageError(`unexpected argument "${a.positionals[1]}"`);
    if (a.flags.quiet && a.flags.logs) throw new UsageError('--quiet and --logs exclude each other');
  },
  targets: (a, _env, cwd) => invokeTargets(a.positionals[0], str(a, 'event'), cwd),
  details: [
    'examples:',
    '  npm run -s ops -- invoke ops-worker --event \'{"action":"backup","dryRun":true}\'',
    '  echo \'{"action":"ping"}\' | npm run -s ops -- invoke ops-worker --event -',
    'exit: 0 ok, 1 a failed result (or HTTP status >= 400), 2 usage error.',
  ].join('\n'),
  async run({ args, io }) {
    const fn = args.positionals[0]!;
    const env = io.env;
    const specs = await loadSYaml(env.S_YAML ?? join(REPO, 's.yaml'), { env, ...(env.FC_ACCOUNT_ID ? { accountId: env.FC_ACCOUNT_ID } : {}) });
    const spec = specs.find((s) => s.functionName === fn);
    if (!spec) {
      io.err(`${unknownMessage('function', fn, specs.map((s) => s.functionName))}; s.yaml defines: ${specs.map((s) => s.functionName).join(', ')}`);
      return 2;
    }
    const event = await readEvent(str(args, 'event'), io);
    // A terminal gets progress; a pipe or file stays quiet (warnings and errors) unless --logs asks for every line.
    const mode: LogMode = args.flags.logs ? 'raw' : args.flags.quiet || !io.errIsTTY ? 'quiet' : 'progress';
    // The deployed function sees s.yaml's variables; locally the shell's (or sandbox's) extra keys stay visible too.
    const fnEnv: Record<string, string | undefined> = { ...env };
    for (const [k, v] of Object.entries(spec.environmentVariables)) if (v !== '' && fnEnv[k] === undefined) fnEnv[k] = v;
    delete fnEnv.GITLAB_ADMIN_TOKEN; // ops doctor's alone: a function never holds an administrator's token
    // Progress needs the step lines (info); the view hides what the chosen level would not have shown anyway.
    if (mode === 'progress' && (fnEnv.LOG_LEVEL === 'warn' || fnEnv.LOG_LEVEL === 'error')) fnEnv.LOG_LEVEL = 'info';
    const id = fnEnv.ALIBABA_CLOUD_ACCESS_KEY_ID;
    const secret = fnEnv.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    // FC hands `{}` to a function without a role; with keys in the env they play the role's STS credentials.
    const credentials = (id && secret ? { accessKeyId: id, accessKeySecret: secret, ...(fnEnv.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: fnEnv.ALIBABA_CLOUD_SECURITY_TOKEN } : {}) } : {}) as FcCredential;
    const host = new FunctionHost({ functions: [spec], credentials, accountId: fnEnv.FC_ACCOUNT_ID ?? '1234567890123456' });
    const requestId = `local-${randomUUID()}`;
    if (mode !== 'quiet') io.err(`invoke ${spec.functionName} requestId=${requestId}`);
    const restoreEnv = applyEnv(fnEnv);
    const stopCapture = captureStdoutLines(createLogView(mode, (l) => io.err(l)));
    let result: unknown;
    let error: Error | undefined;
    try {
      result = await host.invoke(spec.functionName, event, { requestId });
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    } finally {
      stopCapture();
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
});

/**
 * Handlers read process.env at cold start (shared/config loadConfig); set it for the call, then put it back. Target
 * keys the resolved env dropped (a shell ASK_CLUSTER_ID under --kubeconfig, say) are removed for the call too.
 */
function applyEnv(env: Record<string, string | undefined>): () => void {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (isTargetScoped(k) && env[k] === undefined) delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
  return () => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  };
}
