import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliCommand, CliIo } from './index';
import { sandboxFault } from './sandbox-fault';

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const USAGE = 'sandbox push <project> [--file PATH=LOCAL]... [--branch B] [--message M] [--wait] | sandbox status | sandbox fault …';

interface Overview {
  imageCaches: Array<{ name: string; phase: string; images: string[] }>;
  tasks: Array<{ taskId: string; functionName: string; status: string; enqueuedAt: string; summary?: string; error?: string }>;
}

/** The running sandbox's URLs, from `.sandbox/sandbox.json` (local/start.ts writes it). */
export function sandboxUrls(io: CliIo): Record<string, string> {
  const file = join(io.env.SANDBOX_DIR ? resolve(io.cwd, io.env.SANDBOX_DIR) : join(REPO, '.sandbox'), 'sandbox.json');
  if (!existsSync(file)) throw new Error(`${file} not found: start the sandbox first (npm start)`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { urls: Record<string, string> }).urls;
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

function printOverview(io: CliIo, o: Overview, since = ''): void {
  for (const t of o.tasks.filter((x) => x.enqueuedAt >= since)) io.out(`task  ${t.status.padEnd(9)} ${t.functionName} ${t.taskId}${t.summary ? ` — ${t.summary}` : t.error ? ` — ${t.error}` : ''}`);
  for (const c of o.imageCaches) io.out(`cache ${c.phase.padEnd(9)} ${c.name} (${c.images.length} images: ${c.images.join(', ')})`);
}

/** Push through the GitLab emulator's admin endpoint; with `--wait`, follow the worker tasks it causes to the end. */
async function push(args: string[], io: CliIo): Promise<number> {
  const [project, ...rest] = args;
  if (!project || project.startsWith('--')) throw new Error(`usage: ${USAGE}`);
  const files: Record<string, string> = {};
  let branch: string | undefined;
  let message: string | undefined;
  let wait = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = (): string => rest[++i] ?? (() => { throw new Error(`${a} needs a value`); })();
    if (a === '--file') {
      const [path, local] = value().split('=', 2);
      if (!path || !local) throw new Error('--file wants REPO_PATH=LOCAL_FILE');
      files[path] = readFileSync(resolve(io.cwd, local), 'utf8');
    } else if (a === '--branch') branch = value();
    else if (a === '--message') message = value();
    else if (a === '--wait') wait = true;
    else throw new Error(`unknown flag ${a}`);
  }
  const urls = sandboxUrls(io);
  if (!urls['gitlab-admin']) throw new Error('this sandbox has no GitLab part (no gitlab-admin URL in sandbox.json)');
  const since = new Date().toISOString();
  const body = { project, ...(Object.keys(files).length ? { files } : {}), ...(branch ? { branch } : {}), ...(message ? { message } : {}) };
  const r = await getJson<{ project: string; branch: string; commit: string; files: string[] }>(`${urls['gitlab-admin']}/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  io.out(`pushed ${r.files.join(', ')} to ${r.project}@${r.branch}: ${r.commit.slice(0, 12)}`);
  if (!wait || !urls.index) return 0;
  // Bounded: hooks arrive within ms, a prewarm waits for ECI (2 s in the sandbox) with 2 s, 4 s, ... polls.
  for (let i = 0; i < 120; i++) {
    await new Promise((res) => setTimeout(res, 500));
    const o = await getJson<Overview>(`${urls.index}/index.json`);
    const mine = o.tasks.filter((t) => t.enqueuedAt >= since);
    if (mine.length > 0 && mine.every((t) => t.status === 'Succeeded' || t.status === 'Failed')) {
      printOverview(io, o, since);
      return mine.every((t) => t.status === 'Succeeded') ? 0 : 1;
    }
  }
  io.err('gave up waiting after 60 s; see the index page');
  return 1;
}

/**
 * `sandbox push <project>` acts as a developer pushing to the running sandbox's GitLab (default change: a comment
 * appended to the CI config, enough for the webhook to hand a prewarm to the worker); `sandbox status` prints the
 * FC tasks and ImageCaches from the index page.
 */
export const sandboxCommand: CliCommand = {
  name: 'sandbox',
  usage: USAGE,
  summary: 'drive the running npm start sandbox (push to its GitLab, show tasks and ImageCaches)',
  async run(args, io) {
    try {
      const [sub, ...rest] = args;
      if (sub === 'push') return await push(rest, io);
      if (sub === 'fault') return await sandboxFault(rest, io);
      if (sub === 'status') {
        const urls = sandboxUrls(io);
        printOverview(io, await getJson<Overview>(`${urls.index}/index.json`));
        return 0;
      }
      io.err(`usage: ${USAGE}`);
      return 2;
    } catch (e) {
      io.err(e instanceof Error ? e.message : String(e));
      return 1;
    }
  },
};
