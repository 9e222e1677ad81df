import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** What `npm start` left in its state directory (`.sandbox/env`, `.sandbox/sandbox.json`) and whether it still runs. */
export interface SandboxState {
  dir: string;
  /** `dir` for messages: relative to the working directory when inside it. */
  label: string;
  env: Record<string, string>;
  pid?: number;
  urls: Record<string, string>;
  running: boolean;
}

/** `SANDBOX_DIR` (relative to the working directory) or `<repo>/.sandbox`, where local/start.ts writes. */
export function sandboxDir(env: Record<string, string | undefined>, cwd: string): string {
  return env.SANDBOX_DIR ? resolve(cwd, env.SANDBOX_DIR) : join(REPO, '.sandbox');
}

/** Parse `.sandbox/env` (`KEY=VALUE` lines as local/start.ts writes them; `\n` escaped). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/\\n/g, '\n');
  }
  return out;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Any HTTP answer counts (the emulators answer unsigned requests with 4xx); a refused or silent port does not. */
async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false; // connection refused, reset or timed out: nothing listens there
  }
}

/**
 * Read the sandbox files under `dir`; undefined when there is no `env`. Running = the recorded pid is alive and the
 * sandbox's runtime (or FC endpoint) answers HTTP — a pid alone can be reused, a port alone can be someone else's.
 */
export async function readSandbox(dir: string, cwd: string): Promise<SandboxState | undefined> {
  const envFile = join(dir, 'env');
  if (!existsSync(envFile)) return undefined;
  const env = parseEnvFile(readFileSync(envFile, 'utf8'));
  let info: { pid?: unknown; urls?: Record<string, string> } = {};
  try {
    info = JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')) as typeof info;
  } catch {
    info = {}; // missing or torn sandbox.json: judge by the env's endpoints alone
  }
  const pid = typeof info.pid === 'number' ? info.pid : undefined;
  const urls = info.urls ?? {};
  const probe = urls.runtime ?? urls.index ?? env.FC_ENDPOINT;
  const running = (pid === undefined || pidAlive(pid)) && probe !== undefined && (await answers(probe));
  const rel = relative(cwd, dir);
  return { dir, label: rel && !rel.startsWith('..') ? rel : dir, env, ...(pid !== undefined ? { pid } : {}), urls, running };
}

/** The one message for a sandbox that is gone, whatever the command was about to call. */
export const SANDBOX_NOT_RUNNING = 'the sandbox is not running (start it with npm start)';
