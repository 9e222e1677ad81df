import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from './index';

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const TOKEN_USAGE = 'sandbox token --scopes S[,S...] [--role guest|planner|reporter|developer|maintainer|owner] [--admin]';

interface TokenArgs {
  scopes: string[];
  role?: string;
  admin: boolean;
}

/** Parse `--scopes read_api,read_repository [--role developer] [--admin]`; bad input throws (nothing is minted). */
export function parseTokenArgs(args: string[]): TokenArgs {
  const out: TokenArgs = { scopes: [], admin: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--scopes') out.scopes.push(...value().split(',').map((s) => s.trim()).filter(Boolean));
    else if (a === '--role') out.role = value().toLowerCase();
    else if (a === '--admin') out.admin = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (out.scopes.length === 0) throw new Error('--scopes is required (e.g. --scopes read_api)');
  return out;
}

/**
 * `sandbox token`: mint a token on the running sandbox's GitLab (through its admin endpoint) for rehearsing the
 * product under lesser rights, e.g. `GITLAB_TOKEN=$(npm run -s ops -- sandbox token --scopes read_api)`. Only the
 * token goes to stdout; every problem goes to stderr with a non-zero exit.
 */
export async function sandboxToken(args: string[], io: CliIo): Promise<number> {
  let parsed: TokenArgs;
  try {
    parsed = parseTokenArgs(args);
  } catch (e) {
    io.err(`${(e as Error).message}\nusage: ${TOKEN_USAGE}`);
    return 2;
  }
  const file = join(io.env.SANDBOX_DIR ? resolve(io.cwd, io.env.SANDBOX_DIR) : join(REPO, '.sandbox'), 'sandbox.json');
  if (!existsSync(file)) throw new Error(`${file} not found: start the sandbox first (npm start)`);
  const admin = (JSON.parse(readFileSync(file, 'utf8')) as { urls: Record<string, string> }).urls['gitlab-admin'];
  if (!admin) throw new Error('this sandbox has no GitLab part (no gitlab-admin URL in sandbox.json)');
  const res = await fetch(`${admin}/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scopes: parsed.scopes, ...(parsed.role ? { role: parsed.role } : {}), ...(parsed.admin ? { admin: true } : {}) }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string };
  if (!res.ok || !body.token) throw new Error(`minting failed: HTTP ${res.status} ${body.message ?? ''}`.trim());
  io.out(body.token);
  return 0;
}
