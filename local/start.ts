import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nextFireTimes } from '#local/runtime/timers';
import { readSandbox } from '#local/cli/sandbox-state';
import { bootSandbox, type BootOptions, type Sandbox } from '#local/sandbox/boot';
import { shellSettings } from '#local/sandbox/shell-settings';
import { loadConfig } from '#shared/config/index';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const PUSH_FIXTURE = join(REPO, 'test/fixtures/gitlab/push.json');

export interface StartOptions extends Omit<BootOptions, 'env' | 'stateDir'> {
  /**
   * The caller's environment: WEBHOOK_SECRET, PORT, S_YAML, SANDBOX_DIR, SANDBOX_TIMERS are read, and the settings
   * `shellSettings` passes to the functions (configuration keys other than targets and secrets).
   */
  env: Record<string, string | undefined>;
  out?: (line: string) => void;
}

export interface Started {
  sandbox: Sandbox;
  webhookUrl: string;
  secret: string;
  stateDir: string;
  stop(): Promise<void>;
}

/** `path` relative to the working directory when inside it (`.sandbox/kubeconfig`), else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** `KEY=VALUE` lines, sorted; values are single-line by construction (URLs, keys, tokens). */
function envFile(env: Record<string, string>): string {
  return Object.keys(env)
    .sort()
    .map((k) => `${k}=${env[k]!.replace(/\n/g, '\\n')}`)
    .join('\n')
    .concat('\n');
}

/** Why the sandbox cannot start here; thrown before anything is booted. */
export class StartRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartRefused';
  }
}

/** Resolves when nothing listens on 127.0.0.1:`port` (the HTTP trigger's address); rejects with the PORT hint. */
export function ensurePortFree(port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new StartRefused(`port ${port} in use (set PORT)`) : e));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/**
 * Boot the sandbox the way `npm start` does: WEBHOOK_SECRET from env or generated, connection details written to
 * `.sandbox/env` and `.sandbox/sandbox.json` (git-ignored), a banner with the webhook URL, secret and a curl example.
 */
export async function startSandbox(o: StartOptions): Promise<Started> {
  const out = o.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  // Decide before booting: the runtime copies the function env into process.env, which may be `o.env`.
  const generated = !o.env.WEBHOOK_SECRET?.trim();
  const secret = o.env.WEBHOOK_SECRET?.trim() || randomBytes(24).toString('hex');
  const stateDir = resolve(o.env.SANDBOX_DIR || join(REPO, '.sandbox')); // empty = unset, as the CLI reads it
  const port = o.port ?? Number(o.env.PORT ?? 9000);
  // One sandbox per state dir: a second one would overwrite the first's .sandbox/env under the CLI's feet.
  const other = await readSandbox(stateDir, process.cwd());
  if (other?.running) throw new StartRefused(`a sandbox is already running from ${other.label}${other.pid ? ` (pid ${other.pid})` : ''}; stop it or set SANDBOX_DIR`);
  await ensurePortFree(port);
  const settings = shellSettings(o.env);
  // Checked with the functions' own schema before anything boots: a bad value would fail every invocation later.
  try {
    loadConfig(settings);
  } catch (e) {
    throw new StartRefused(`settings from the shell: ${(e as Error).message.replace(/^invalid configuration: /, '')}`);
  }
  await mkdir(stateDir, { recursive: true });
  const sandbox = await bootSandbox({
    ...o,
    port,
    timers: o.timers ?? o.env.SANDBOX_TIMERS !== 'false',
    stateDir,
    ...(o.env.S_YAML ? { sYamlPath: resolve(o.env.S_YAML) } : {}),
    env: { ...settings, WEBHOOK_SECRET: secret },
  });
  const webhookUrl = sandbox.urls['gitlab-webhook'] ?? `${sandbox.urls.runtime}/gitlab-webhook`;
  const now = new Date();
  const timers = sandbox.runtime.timers.map((t) => ({ function: t.functionName, trigger: t.triggerName, next: nextFireTimes(t.schedule, 1, now)[0]?.toISOString() }));
  await writeFile(join(stateDir, 'env'), envFile({ ...sandbox.env, ...sandbox.cliEnv, SANDBOX_WEBHOOK_URL: webhookUrl }), { mode: 0o600 });
  const info = { startedAt: now.toISOString(), pid: process.pid, webhookUrl, urls: sandbox.urls, accountId: sandbox.context.accountId, region: sandbox.context.region, functions: sandbox.runtime.functions.map((f) => f.functionName), timers };
  await writeFile(join(stateDir, 'sandbox.json'), `${JSON.stringify(info, null, 2)}\n`);
  const payload = existsSync(PUSH_FIXTURE) ? relative(process.cwd(), PUSH_FIXTURE) || PUSH_FIXTURE : '<push payload file>';
  const kubeconfig = sandbox.env.KUBE_SANDBOX_KUBECONFIG;
  const rows: Array<[string, string]> = [
    ['webhook', webhookUrl],
    ['secret', `${secret}${generated ? ' (generated; set WEBHOOK_SECRET to choose one)' : ''}`],
    ...(sandbox.urls.index ? [['index', `${sandbox.urls.index}  (links, FC tasks, ImageCaches, projects)`] as [string, string]] : []),
    ...(sandbox.urls.gitlab ? [['gitlab', `${sandbox.urls.gitlab}  token ${sandbox.env.GITLAB_TOKEN ?? '-'} (sandbox only)`] as [string, string]] : []),
    ...(sandbox.urls.outbox ? [['mail', sandbox.urls.outbox] as [string, string]] : []),
    ...Object.entries(sandbox.urls).filter(([k]) => !['index', 'gitlab', 'outbox'].includes(k)),
    ...timers.map((t): [string, string] => ['timer', `${t.function}/${t.trigger} next ${t.next ?? '-'}`]),
    ...(kubeconfig ? [['kubeconfig', shortPath(kubeconfig)] as [string, string]] : []),
    ...(Object.keys(settings).length ? [['settings', `from the shell: ${Object.keys(settings).join(', ')}`] as [string, string]] : []),
    ['details', `${join(stateDir, 'env')}, ${join(stateDir, 'sandbox.json')}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  // The CLI finds the sandbox through SANDBOX_DIR: a state dir other than the default must travel with the command.
  const cliPrefix = stateDir === resolve(join(REPO, '.sandbox')) ? '' : `SANDBOX_DIR=${shortPath(stateDir)} `;
  out(
    [
      'gitlab-ask-ops sandbox is up',
      ...rows.map(([k, v]) => `  ${k.padEnd(width)} : ${v}`),
      '',
      'try it (a developer pushes a CI change → system hook → webhook 202 → prewarm → ImageCaches Ready → mail):',
      `  ${cliPrefix}npm run -s ops -- sandbox push java-demo`,
      ...(kubeconfig ? [`  kubectl --kubeconfig ${shortPath(kubeconfig)} get imagecaches`] : []),
      '',
      'or send a hook by hand:',
      `  curl -sS -X POST '${webhookUrl}' -H 'Content-Type: application/json' -H 'X-Gitlab-Event: Push Hook' \\`,
      `    -H 'X-Gitlab-Token: ${secret}' --data-binary @${payload}`,
      '',
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  return { sandbox, webhookUrl, secret, stateDir, stop: () => sandbox.close() };
}

/** Remove `.sandbox/env` and `sandbox.json` if they are still this process's (the CLI then says "not running"). */
async function forgetState(stateDir: string): Promise<void> {
  const info = await readFile(join(stateDir, 'sandbox.json'), 'utf8').then((t) => JSON.parse(t) as { pid?: number }, () => undefined);
  if (info?.pid !== process.pid) return;
  await rm(join(stateDir, 'env'), { force: true });
  await rm(join(stateDir, 'sandbox.json'), { force: true });
}

/** Run until SIGINT/SIGTERM, then stop timers and close every server; exit 0 without forcing the process. */
async function main(): Promise<void> {
  const started = await startSandbox({ env: process.env });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return process.exit(130); // second Ctrl-C: give up waiting
    stopping = true;
    process.stdout.write(`\n${signal}: shutting down\n`);
    started.stop().then(forgetState.bind(null, started.stateDir)).then(
      () => (process.exitCode = 0),
      (e: unknown) => {
        process.stderr.write(`shutdown failed: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    const busy = (e as NodeJS.ErrnoException).code === 'EADDRINUSE'; // lost a race with ensurePortFree
    const message = e instanceof StartRefused ? e.message : busy ? `port ${process.env.PORT ?? 9000} in use (set PORT)` : `npm start failed: ${e instanceof Error ? e.message : String(e)}`;
    process.stderr.write(`${message}\n`);
    // A half-booted sandbox may hold servers open; nothing is left to serve, so end the process here.
    process.exit(1);
  });
}
