import { sendJson } from '#local/sandbox/http-util';
import type { TokenRegistry } from './auth';
import { forbidden, matchPath, type ApiRequest } from './http-support';
import { instanceDatabase } from './instance-database';
import type { ApiContext } from './routes-repo';

export interface InstanceContext extends ApiContext {
  tokens: TokenRegistry;
}

/** approximate_count_with_delimiters: GitLab answers the counts as strings with thousands separators. */
const delimited = (n: number): string => n.toLocaleString('en-US');

/**
 * `GET /metadata` (any authenticated user, doc/api/metadata.md: `{version, revision, kas, enterprise}`) and
 * `GET /application/statistics` (administrators only, lib/api/statistics.rb `authenticated_as_admin!`: exact
 * counts below 10,000, as strings with delimiters). Returns false when no route matched.
 */
export function routeInstance(r: ApiRequest, ctx: InstanceContext): boolean {
  if (r.method !== 'GET') return false;
  if (matchPath(r.segs, 'metadata')) {
    sendJson(r.res, 200, { version: ctx.version, revision: 'a1b2c3d4e5f', kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null }, enterprise: ctx.version.endsWith('-ee') });
  } else if (matchPath(r.segs, 'application/statistics')) {
    if (!r.who?.admin) return forbidden(r.res), true;
    const db = instanceDatabase(ctx.store, ctx.tokens);
    sendJson(r.res, 200, {
      forks: '0', issues: '0', merge_requests: '0', notes: '0', snippets: '0', ssh_keys: '0', milestones: '0',
      users: delimited(db.users), groups: delimited(db.groups), projects: delimited(db.projects.length), active_users: delimited(db.users),
    });
  } else return false;
  return true;
}
