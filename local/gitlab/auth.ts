import type { IncomingHttpHeaders } from 'node:http';
import { ACCESS_LEVEL, type Principal } from './access';
import type { AccessSeed } from './types';

/** One stored token: the seed plus what GitLab keeps about it (`GET /personal_access_tokens/self`). */
export interface TokenRecord {
  id: number;
  token: string;
  kind: 'personal' | 'project' | 'group';
  name: string;
  scopes: string[];
  revoked: boolean;
  expiresAt: string | null;
  createdAt: string;
  who: Principal;
}

/** Which scopes an endpoint class registers besides API::API's (gitlabhq lib/api/api.rb `allow_access_with_scope`). */
export type RouteScopes = 'api' | 'files' | 'user' | 'self' | 'public';

/**
 * `allow_access_with_scope` per endpoint class: API::API grants `api`, and `read_api` for GET/HEAD only;
 * API::Files adds `read_repository` (GET/HEAD), API::Users adds `read_user` (GET/HEAD); the token's own
 * `/personal_access_tokens/self` accepts every scope (lib/api/personal_access_tokens/self_information.rb); the
 * templates API never authenticates (lib/api/templates.rb). Returns the scope list GitLab names in its 403.
 */
function allowed(route: RouteScopes, read: boolean): Array<{ scope: string; ok: boolean }> {
  const base = [{ scope: 'api', ok: true }, { scope: 'read_api', ok: read }];
  if (route === 'files') return [{ scope: 'read_repository', ok: read }, ...base];
  if (route === 'user') return [{ scope: 'read_user', ok: read }, ...base];
  return base;
}

export type AuthOutcome =
  | { ok: true; rec?: TokenRecord }
  | { ok: false; status: number; body: unknown; headers?: Record<string, string> };

const invalid = (description: string): AuthOutcome => ({
  ok: false, status: 401,
  body: { error: 'invalid_token', error_description: description },
  headers: { 'www-authenticate': `Bearer realm="The API", error="invalid_token", error_description="${description}"` },
});

/** Registered tokens, each acting as a user or bot with memberships. */
export class TokenRegistry {
  private readonly byToken = new Map<string, TokenRecord>();
  private nextId = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  add(seed: AccessSeed): TokenRecord {
    const id = this.nextId++;
    const kind = seed.kind ?? 'personal';
    const memberships = new Map(Object.entries(seed.memberships ?? {}).map(([path, role]) => [path, ACCESS_LEVEL[role]]));
    if (kind !== 'personal' && memberships.size !== 1) throw new Error(`gitlab emulator: a ${kind} access token is a member of exactly one ${kind}`);
    const resource = [...memberships.keys()][0] ?? '';
    const username = seed.username ?? (seed.admin && id === 1 ? 'root' : kind === 'personal' ? `user${id}` : `${kind}_${resource.replace(/\W+/g, '_')}_bot_${id}`);
    const rec: TokenRecord = {
      id, token: seed.token, kind, name: seed.name ?? `token-${id}`, scopes: seed.scopes ?? ['api'], revoked: seed.revoked === true,
      expiresAt: seed.expiresAt ?? null, createdAt: this.now().toISOString(),
      who: { userId: seed.admin && id === 1 ? 1 : 100 + id, username, name: username, admin: seed.admin === true, bot: kind !== 'personal', memberships },
    };
    this.byToken.set(seed.token, rec);
    return rec;
  }

  /**
   * Authenticate a request: PRIVATE-TOKEN, `Authorization: Bearer` or `private_token`. No token at all is anonymous
   * (only public routes serve it); an unknown one is `401 Unauthorized`; revoked and expired ones get the OAuth
   * `invalid_token` answers of gitlabhq lib/api/api_guard.rb `oauth2_bearer_token_error_handler`.
   */
  authenticate(headers: IncomingHttpHeaders, query: URLSearchParams, route: RouteScopes, method: string): AuthOutcome {
    const bearer = /^Bearer\s+(.+)$/i.exec(String(headers.authorization ?? ''))?.[1];
    const given = [headers['private-token'], bearer, query.get('private_token')].find((t): t is string => typeof t === 'string' && t !== '');
    if (given === undefined) return route === 'public' ? { ok: true } : { ok: false, status: 401, body: { message: '401 Unauthorized' } };
    const rec = this.byToken.get(given);
    if (route === 'public') return { ok: true, ...(rec && !rec.revoked ? { rec } : {}) };
    if (!rec) return { ok: false, status: 401, body: { message: '401 Unauthorized' } };
    if (rec.revoked) return invalid('Token was revoked. You have to re-authorize from the user.');
    if (rec.expiresAt && Date.parse(`${rec.expiresAt}T00:00:00Z`) <= this.now().getTime()) return invalid('Token is expired. You can either do re-authorization or token refresh.');
    if (route === 'self') return { ok: true, rec };
    const grants = allowed(route, method === 'GET' || method === 'HEAD');
    if (grants.some((g) => g.ok && rec.scopes.includes(g.scope))) return { ok: true, rec };
    // Rack::OAuth2 Bearer::Forbidden(:insufficient_scope, DEFAULT_DESCRIPTION, scope: e.scopes): JSON, no WWW-Authenticate.
    return {
      ok: false, status: 403,
      body: { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: grants.map((g) => g.scope).join(' ') },
    };
  }

  /** The users and bots the tokens act as, one each (the instance's users table, as far as the emulator has one). */
  principals(): Principal[] {
    const by = new Map<number, Principal>();
    for (const r of this.byToken.values()) by.set(r.who.userId, r.who);
    return [...by.values()];
  }

  /** `GET /personal_access_tokens/self` (API::Entities::PersonalAccessToken). */
  static selfJson(rec: TokenRecord): Record<string, unknown> {
    const expired = rec.expiresAt !== null && Date.parse(`${rec.expiresAt}T00:00:00Z`) <= Date.now();
    return {
      id: rec.id, name: rec.name, revoked: rec.revoked, created_at: rec.createdAt, description: null, scopes: rec.scopes,
      user_id: rec.who.userId, last_used_at: null, active: !rec.revoked && !expired, expires_at: rec.expiresAt,
    };
  }
}

/** Which scope rules a request's route follows (see `allowed`). */
export function routeScopesOf(segs: string[]): RouteScopes {
  if (segs[0] === 'templates') return 'public';
  if (segs[0] === 'personal_access_tokens' && segs[1] === 'self') return 'self';
  if (segs[0] === 'user' && segs.length === 1) return 'user';
  if (segs[0] === 'projects' && segs[2] === 'repository' && segs[3] === 'files') return 'files';
  return 'api';
}
