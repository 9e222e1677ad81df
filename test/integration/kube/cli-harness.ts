import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Result of one CLI run. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A runner for kubectl/helm against one kubeconfig, with a private HOME (discovery and helm caches). */
export function cliRunner(kubeconfig: string): (bin: string, args: string[]) => Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'kube-cli-'));
  const path = join(home, 'kubeconfig');
  writeFileSync(path, kubeconfig, { mode: 0o600 });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: path, HELM_CACHE_HOME: join(home, 'helm-cache'), HELM_CONFIG_HOME: join(home, 'helm-config'), HELM_DATA_HOME: join(home, 'helm-data') };
  return (bin, args) =>
    new Promise((resolve) => {
      execFile(bin, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    });
}

/** Poll `fn` until `ok` (bounded by attempts, not by wall-clock assertions). */
export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, attempts = 200): Promise<T> {
  let v = await fn();
  for (let i = 0; i < attempts && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 10));
    v = await fn();
  }
  return v;
}
