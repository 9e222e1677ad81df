import { gitlabMessageOf, hasHttpStatus } from './to-gitlab-error';
import type { GitlabPort, ProjectRef, TokenInfo, UserInfo } from './types';

/** What the product does with GitLab, each needing its own scope and role (README "GitLab token"). */
export const CAPABILITIES = ['discovery', 'variables', 'lint', 'remediation', 'commitStatuses'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** `unknown`: the answer depends on facts not asked for (e.g. the role on projects nobody named). */
export interface CapabilityCheck {
  status: 'ok' | 'missing' | 'unknown';
  why: string;
  /** What may still go wrong although the capability is there (also told in `why`); `ops doctor` shows it as a warning. */
  caveat?: string;
}

/** Access levels (doc/api/members.md "Roles"). */
export const ROLE_NAMES: Record<number, string> = { 0: 'no role', 10: 'Guest', 15: 'Planner', 20: 'Reporter', 30: 'Developer', 40: 'Maintainer', 50: 'Owner' };
const role = (n: number): string => ROLE_NAMES[n] ?? `access level ${n}`;

/** The facts a verdict rests on; `roles` maps a project path to the token's access level there (0 = none). */
export interface TokenFacts {
  /** Undefined when GitLab could not tell (OAuth/job tokens, instances before 15.5). */
  scopes?: string[];
  admin: boolean;
  infraProject?: string;
  infraArchived?: boolean;
  roles: Record<string, number>;
  /** GitLab's reason when it rejected the token itself (401): then nothing works. */
  rejected?: string;
}

export interface TokenCapabilities {
  token?: TokenInfo;
  user?: UserInfo;
  /** Why a fact could not be read (each line names the call and GitLab's answer). */
  problems: string[];
  facts: TokenFacts;
  capabilities: Record<Capability, CapabilityCheck>;
}

/**
 * The verdict per capability, from GitLab's rules (gitlabhq lib/api/api.rb: `read_api` covers GET/HEAD only;
 * lib/api/lint.rb POST: create_pipeline; lib/api/ci/variables.rb: admin_cicd_variables; lib/api/ci/pipelines.rb
 * POST: create_pipeline; lib/api/commit_statuses.rb: create_commit_status; app/policies/project_policy.rb for the
 * role each ability needs). Administrators hold every role (with Admin Mode on, only through the `admin_mode` scope).
 */
export function judgeCapabilities(f: TokenFacts): Record<Capability, CapabilityCheck> {
  if (f.rejected !== undefined) {
    const none: CapabilityCheck = { status: 'missing', why: `GitLab rejects the token: ${f.rejected}` };
    return { discovery: none, variables: none, lint: none, remediation: none, commitStatuses: none };
  }
  const api = f.scopes?.includes('api') ?? false;
  const readApi = api || (f.scopes?.includes('read_api') ?? false);
  const scopesKnown = f.scopes !== undefined;
  const noScope = (s: string, what: string): CapabilityCheck => ({ status: scopesKnown ? 'missing' : 'unknown', why: scopesKnown ? `token lacks the ${s} scope: ${what}` : `token scopes unknown; ${what} needs ${s}` });
  const admin = f.admin ? ' (administrator)' : '';
  const below = (min: number, paths: string[]): string[] => paths.filter((p) => !f.admin && (f.roles[p] ?? 0) < min);
  const byRole = (min: number, paths: string[], what: string, ok: string): CapabilityCheck => {
    if (f.admin) return { status: 'ok', why: `${ok}${admin}` };
    if (paths.length === 0) return { status: 'unknown', why: `needs ${role(min)} on each project; no project was checked` };
    const low = below(min, paths);
    if (low.length === 0) return { status: 'ok', why: `${ok}: ${role(min)} or more on ${paths.join(', ')}` };
    return { status: 'missing', why: low.map((p) => `token lacks ${role(min)} on project ${p} (has ${role(f.roles[p] ?? 0)}): ${what}`).join('; ') };
  };
  const checked = Object.keys(f.roles);
  const infra = f.infraProject ? [f.infraProject] : [];

  const discovery: CapabilityCheck = readApi
    ? { status: 'ok', why: `${api ? 'api' : 'read_api'} scope; private projects need Reporter to read files, internal and public ones any role${admin}` }
    : noScope('read_api (or api)', 'listing projects and reading CI files');
  const variables = !readApi ? noScope('read_api (or api)', 'reading CI/CD variables')
    : byRole(40, checked, 'images using its project CI/CD variables are reported unresolved (group variables need Owner)', 'project CI/CD variables readable');
  const lint = !api ? noScope('api', 'POST /projects/:id/ci/lint (discovery resolves includes itself instead, same images)')
    : byRole(30, checked, 'no CI lint there; discovery resolves includes itself (same images)', 'CI lint available');
  let remediation: CapabilityCheck;
  if (!f.infraProject) remediation = { status: 'missing', why: 'INFRA_PROJECT is not set: no pipeline to run helmfile apply' };
  else if (f.infraArchived) remediation = { status: 'missing', why: `infra project ${f.infraProject} is archived: GitLab refuses pipelines (403)` };
  else if (!api) remediation = noScope('api', `creating pipelines in ${f.infraProject} (remediation is reported "not started")`);
  else {
    remediation = byRole(30, infra, 'remediation pipelines are reported "not started"', 'remediation pipelines can be created');
    if (remediation.status === 'ok' && !f.admin && (f.roles[f.infraProject] ?? 0) < 40) {
      const caveat = `if ${f.infraProject} restricts pipeline variables (default minimum role Maintainer; the token has ${role(f.roles[f.infraProject] ?? 0)}) GitLab refuses the RECONCILE_REASON variable`;
      remediation = { ...remediation, why: `${remediation.why}; if the project restricts pipeline variables (default minimum role Maintainer) GitLab refuses the RECONCILE_REASON variable`, caveat };
    }
  }
  const commitStatuses = !api ? noScope('api', 'POST /projects/:id/statuses/:sha') : byRole(30, checked, 'commit statuses cannot be set there', 'commit statuses can be set');
  return { discovery, variables, lint, remediation, commitStatuses };
}

/**
 * Ask GitLab what this token is and may do: its scopes (`GET /personal_access_tokens/self`), admin status
 * (`GET /user`), and its role on the infra project and on `projects` (`GET /projects/:id` → `permissions`).
 * Never throws for an answer GitLab gives (401/403/404 become `problems`); network failures propagate.
 *
 * @example
 * const caps = await evaluateTokenCapabilities(ports.gitlab, { infraProject: env.INFRA_PROJECT });
 * if (caps.capabilities.remediation.status !== 'ok') log.warn(caps.capabilities.remediation.why);
 */
export async function evaluateTokenCapabilities(
  port: Pick<GitlabPort, 'tokenSelf' | 'currentUser' | 'getProject'>,
  o: { infraProject?: ProjectRef; projects?: ProjectRef[] } = {},
): Promise<TokenCapabilities> {
  const problems: string[] = [];
  let rejected: string | undefined;
  const answered = async <T>(what: string, p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch (e) {
      if (!hasHttpStatus(e, 400, 401, 403, 404)) throw e;
      const reason = gitlabMessageOf(e) ?? (e as Error).message;
      if (hasHttpStatus(e, 401)) rejected ??= reason;
      problems.push(`${what}: ${reason}`);
      return undefined;
    }
  };
  const token = await answered('GET /personal_access_tokens/self', port.tokenSelf());
  const user = await answered('GET /user', port.currentUser());
  const facts: TokenFacts = { ...(token ? { scopes: token.scopes } : {}), admin: user?.admin === true, roles: {}, ...(rejected !== undefined ? { rejected } : {}) };
  const refs = [...(o.infraProject !== undefined ? [o.infraProject] : []), ...(o.projects ?? [])];
  for (const ref of refs) {
    const p = await answered(`GET /projects/${ref}`, port.getProject(ref));
    if (!p) continue;
    facts.roles[p.path_with_namespace] = p.access_level ?? 0;
    if (ref === o.infraProject) Object.assign(facts, { infraProject: p.path_with_namespace, infraArchived: p.archived });
  }
  if (o.infraProject !== undefined && facts.infraProject === undefined) facts.infraProject = String(o.infraProject);
  return { ...(token ? { token } : {}), ...(user ? { user } : {}), problems, facts, capabilities: judgeCapabilities(facts) };
}
