import { failed, ok } from '#shared/checks/index';
import { CAPABILITIES, evaluateTokenCapabilities, ROLE_NAMES, type Capability } from '#shared/gitlab/api/index';
import { doctorCheck, gates } from '../doctor-check';
import { gitlabGet, gitlabWhy } from './gitlab-api';

const TOKEN_FIX = 'create a token with the scopes and roles in README "GitLab token" and set GITLAB_TOKEN (deploy again: s deploy)';
/** Fail this many days before a token expires: time to rotate it without an outage. */
export const TOKEN_EXPIRY_WARN_DAYS = 7;

/** `gitlab.reachable`: GITLAB_URL answers the API with this token; names the version (`GET /version`). */
export const gitlabReachable = doctorCheck({
  id: 'gitlab.reachable',
  service: 'gitlab',
  gate: gates.gitlab,
  async run(ctx) {
    const e = ctx.config().env;
    let a;
    try {
      a = await gitlabGet(e, '/version', e.GITLAB_TOKEN!);
    } catch (err) {
      return failed(`cannot reach ${e.GITLAB_URL}: ${(err as Error).message}`, 'check GITLAB_URL, DNS and that this machine and the functions\' VPC (security group egress to 443) reach it');
    }
    if (a.status === 401) return failed(`GitLab at ${e.GITLAB_URL} rejects GITLAB_TOKEN (${gitlabWhy(a)})`, TOKEN_FIX);
    // A token without read_api/read_user may not read the version; GitLab answered all the same.
    if (a.status === 403) return ok(`GitLab answers at ${e.GITLAB_URL} (the token may not read its version: ${gitlabWhy(a)})`);
    const v = a.body as { version?: string; revision?: string } | undefined;
    if (a.status !== 200 || !v?.version) return failed(`GET ${e.GITLAB_URL}/api/v4/version answered ${gitlabWhy(a)}`, 'check that GITLAB_URL is the GitLab base URL (no /api/v4, no path)');
    return ok(`GitLab ${v.version}${v.revision ? ` (revision ${v.revision})` : ''} answers at ${e.GITLAB_URL}`);
  },
});

/** `gitlab.token`: GITLAB_TOKEN is active and not about to expire (`GET /personal_access_tokens/self`). */
export const gitlabToken = doctorCheck({
  id: 'gitlab.token',
  service: 'gitlab',
  needs: ['gitlab.reachable'],
  gate: gates.gitlab,
  async run(ctx) {
    const t = await ctx.gitlab().tokenSelf();
    const name = `token "${t.name}" (scopes ${t.scopes.join(', ') || 'none'})`;
    if (!t.active) return failed(`${name} is revoked or expired`, TOKEN_FIX);
    if (!t.expiresAt) return ok(`${name} is active and does not expire`);
    const days = Math.floor((Date.parse(`${t.expiresAt}T00:00:00Z`) - Date.now()) / 86_400_000);
    if (days < TOKEN_EXPIRY_WARN_DAYS) return failed(`${name} expires on ${t.expiresAt} (in ${days} days): every GitLab call fails from that day`, `rotate it before ${t.expiresAt}: ${TOKEN_FIX}`);
    return ok(`${name} is active, expires on ${t.expiresAt} (in ${days} days)`);
  },
});

/**
 * `gitlab.scopes`: what the token may do, per capability (shared/gitlab/api/token-capabilities.ts, README
 * "GitLab token"), and its role on each project checked (INFRA_PROJECT, GITLAB_PROJECTS). Fails when discovery or
 * CI/CD variables are missing, or remediation while HELM_REMEDIATE=true; a capability's caveat (Developer on
 * INFRA_PROJECT: the RECONCILE_REASON pipeline variable may be refused) is kept as a warning either way.
 */
export const gitlabScopes = doctorCheck({
  id: 'gitlab.scopes',
  service: 'gitlab',
  needs: ['gitlab.token'],
  gate: gates.gitlab,
  async run(ctx) {
    const e = ctx.config().env;
    const caps = await evaluateTokenCapabilities(ctx.gitlab(), { ...(e.INFRA_PROJECT ? { infraProject: e.INFRA_PROJECT } : {}), projects: e.GITLAB_PROJECTS });
    const c = caps.capabilities;
    const essential: Capability[] = ['discovery', 'variables', ...(e.HELM_REMEDIATE ? (['remediation'] as const) : [])];
    const bad = essential.filter((k) => c[k].status === 'missing');
    const roles = Object.entries(caps.facts.roles).map(([p, n]) => `${p} ${ROLE_NAMES[n] ?? `access level ${n}`}`);
    const detail = `${CAPABILITIES.map((k) => `${k} ${c[k].status}`).join(', ')}${caps.facts.admin ? ' (administrator)' : ''}; role: ${roles.join(', ') || 'no project checked'}`;
    const caveats = CAPABILITIES.filter((k) => c[k].caveat).map((k) => `${k}: ${c[k].caveat}`);
    const warning = caveats.length ? ` — warning: ${caveats.join('; ')}` : '';
    if (bad.length) return failed(`${detail}: ${bad.map((k) => c[k].why).join('; ')}${warning}`, TOKEN_FIX);
    const notes = CAPABILITIES.filter((k) => c[k].status !== 'ok').map((k) => `${k}: ${c[k].why}`);
    return ok(`${detail}${notes.length ? ` — ${notes.join('; ')}` : ''}${warning}`);
  },
});
