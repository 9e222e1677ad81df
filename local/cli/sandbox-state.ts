import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
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

/**
 * Tokens `sandbox token` minted on this sandbox's GitLab: one `<sha256> <GITLAB_URL>` line each in `<dir>/minted-tokens`
 * (0600; the token itself is never written). A token is this sandbox's when its digest is listed with the sandbox's
 * current GitLab URL: a restarted sandbox (new port, new emulator) does not take an older one's.
 */
const MINTED = 'minted-tokens';
const digest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Note a token minted on `sandbox`'s GitLab, so the CLI may pass it with the sandbox target. */
export function recordMintedToken(sandbox: Pick<SandboxState, 'dir' | 'env'>, token: string): void {
  appendFileSync(join(sandbox.dir, MINTED), `${digest(token)} ${sandbox.env.GITLAB_URL ?? ''}\n`, { mode: 0o600 });
}

/** Whether `token` was minted by `sandbox token` on this sandbox's GitLab (never a token from anywhere else). */
export function isMintedToken(sandbox: Pick<SandboxState, 'dir' | 'env'>, token: string): boolean {
  let lines: string[];
  try {
    lines = readFileSync(join(sandbox.dir, MINTED), 'utf8').split('\n');
  } catch {
    return false; // nothing minted yet
  }
  return lines.includes(`${digest(token)} ${sandbox.env.GITLAB_URL ?? ''}`);
}
