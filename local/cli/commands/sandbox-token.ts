import { UsageError } from '../args';
import { defineCommand } from '../registry';
import { recordMintedToken } from '../sandbox-state';
import { getJson } from './sandbox-client';

const ROLES = ['guest', 'planner', 'reporter', 'developer', 'maintainer', 'owner'] as const;

interface TokenArgs {
  scopes: string[];
  role?: string;
  admin: boolean;
}

/** `--scopes read_api,read_repository [--role developer] [--admin]` → what to mint; bad input throws (nothing is minted). */
export function tokenRequest(scopes: readonly string[], role: string | true | undefined, admin: boolean): TokenArgs {
  const list = scopes.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new UsageError('--scopes is required (e.g. --scopes read_api)');
  const r = typeof role === 'string' ? role.toLowerCase() : undefined;
  if (r !== undefined && !(ROLES as readonly string[]).includes(r)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  return { scopes: list, ...(r ? { role: r } : {}), admin };
}

/**
 * `sandbox token`: mint a token on the running sandbox's GitLab (through its admin endpoint) for rehearsing the
 * product under lesser rights, e.g. `GITLAB_TOKEN=$(npm run -s ops -- sandbox token --scopes read_api) npm run -s ops
 * -- invoke …`: a shell GITLAB_TOKEN is used with the sandbox target only when this command minted it there
 * (local/cli/target.ts). Only the token goes to stdout; every problem goes to stderr with a non-zero exit.
 */
export const sandboxTokenCommand = defineCommand({
  name: 'token',
  usage: '--scopes S[,S...] [--role R] [--admin]',
  summary: 'mint a token on the sandbox GitLab (only the token on stdout), to rehearse under lesser rights',
  flags: [
    { name: '--scopes', value: 'S[,S...]', repeatable: true, summary: 'token scopes, e.g. read_api or api,read_repository' },
    { name: '--role', value: 'R', summary: `role on every project: ${ROLES.join('|')}` },
    { name: '--admin', summary: 'an administrator\'s token' },
  ],
  targets: 'sandbox',
  check: (a) => void tokenRequest(a.lists.scopes ?? [], a.flags.role, a.flags.admin === true),
  async run({ args, io, sandbox }) {
    const req = tokenRequest(args.lists.scopes ?? [], args.flags.role, args.flags.admin === true);
    const admin = sandbox!.urls['gitlab-admin'];
    if (!admin) throw new Error('this sandbox has no GitLab part (no gitlab-admin URL in sandbox.json)');
    const body = await getJson<{ token?: string }>(`${admin}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) });
    if (!body.token) throw new Error('minting failed: the sandbox answered without a token');
    // Its digest only: the CLI then passes this token (and no other shell GITLAB_TOKEN) with the sandbox target.
    recordMintedToken(sandbox!, body.token);
    io.out(body.token);
    return 0;
  },
});
