import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_NOT_RUNNING, sandboxDir } from '../sandbox-state';
import type { CliIo } from '../registry';

/** The part of the index page's `/index.json` the CLI prints. */
export interface Overview {
  imageCaches: Array<{ name: string; phase: string; images: string[] }>;
  tasks: Array<{ taskId: string; functionName: string; status: string; enqueuedAt: string; summary?: string; error?: string }>;
}

/**
 * The running sandbox's URLs, from `.sandbox/sandbox.json` (local/start.ts writes it). Subcommands declared with
 * `targets: 'sandbox'` get them checked (and the sandbox proven running) as `ctx.sandbox.urls` instead.
 */
export function sandboxUrls(io: Pick<CliIo, 'env' | 'cwd'>): Record<string, string> {
  const file = join(sandboxDir(io.env, io.cwd), 'sandbox.json');
  if (!existsSync(file)) throw new Error(SANDBOX_NOT_RUNNING);
  return (JSON.parse(readFileSync(file, 'utf8')) as { urls: Record<string, string> }).urls;
}

/** GET/POST JSON from a sandbox endpoint; a non-2xx answer is an error with its body. */
export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** One line per FC task (since `since`) and per ImageCache, aligned. */
export function printOverview(io: Pick<CliIo, 'out'>, o: Overview, since = ''): void {
  for (const t of o.tasks.filter((x) => x.enqueuedAt >= since)) io.out(`task  ${t.status.padEnd(9)} ${t.functionName} ${t.taskId}${t.summary ? ` — ${t.summary}` : t.error ? ` — ${t.error}` : ''}`);
  for (const c of o.imageCaches) io.out(`cache ${c.phase.padEnd(9)} ${c.name} (${c.images.length} images: ${c.images.join(', ')})`);
}
