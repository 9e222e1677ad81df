import type { Principal } from '../access';
import type { Commit, Project, RepoStore } from '../repo-store';
import type { CiTemplates } from '../templates';

/** One entry of the lint answer's `includes` (lib/gitlab/ci/config/external/file/*.rb `metadata`). */
export interface IncludeMeta {
  type: string;
  location: string;
  blob: string | null;
  raw: string | null;
  extra: Record<string, unknown>;
  context_project: string | null;
  context_sha: string | null;
}

/** Instance-wide state of one lint run (External::Context's shared parts: expandset, limits, fetchers). */
export interface LintEnv {
  store: RepoStore;
  templates: CiTemplates;
  /** `Gitlab.config.gitlab.server_fqdn`: host, `:port` unless 80/443. */
  fqdn: string;
  /** Base URL for blob/raw links. */
  base: string;
  /** GET a remote include; throws LintError with GitLab's wording on failure. */
  fetchRemote(url: string): Promise<string>;
  /** `ci_max_includes` (default 150). */
  maxIncludes: number;
  includes: IncludeMeta[];
  /** The lint's user (`context.user`); undefined = no access checks. */
  who?: Principal;
}

/** The per-file context: which project and commit local includes and `rules:exists` see, and the variables. */
export interface FileContext {
  project?: Project;
  commit?: Commit;
  variables: Record<string, string>;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '-').slice(0, 63).replace(/^-+|-+$/g, '');

/**
 * `pipeline.variables_builder.config_variables` for static lint (lib/gitlab/ci/variables/builder.rb): project
 * predefined variables, the pipeline's commit variables for `ref` (GitLab sets `ref` only when the user may push it;
 * the emulated token may), CI_PIPELINE_SOURCE empty (the lint pipeline has no source), then instance, group and
 * project variables.
 */
export function configVariables(store: RepoStore, p: Project, commit: Commit | undefined, ref: string | undefined, base: string, fqdn: string): Record<string, string> {
  const u = new URL(base);
  const out: Record<string, string> = {
    CI_PROJECT_ID: String(p.id), CI_PROJECT_NAME: p.path, CI_PROJECT_PATH: p.path_with_namespace, CI_PROJECT_PATH_SLUG: slug(p.path_with_namespace),
    CI_PROJECT_NAMESPACE: p.namespace.full_path, CI_PROJECT_ROOT_NAMESPACE: p.namespace.full_path.split('/')[0]!,
    CI_PROJECT_URL: `${base}/${p.path_with_namespace}`, CI_DEFAULT_BRANCH: p.defaultBranch ?? '',
    CI_SERVER_URL: base, CI_SERVER_HOST: u.hostname, CI_SERVER_PORT: u.port || (u.protocol === 'https:' ? '443' : '80'),
    CI_SERVER_PROTOCOL: u.protocol.replace(':', ''), CI_SERVER_FQDN: fqdn, CI_API_V4_URL: `${base}/api/v4`,
    CI_CONFIG_PATH: p.seed.ciConfigPath || '.gitlab-ci.yml', CI_PIPELINE_SOURCE: '',
  };
  if (commit) {
    Object.assign(out, { CI_COMMIT_SHA: commit.id, CI_COMMIT_SHORT_SHA: commit.id.slice(0, 8), CI_COMMIT_BEFORE_SHA: '0'.repeat(40) });
    if (ref) Object.assign(out, { CI_COMMIT_REF_NAME: ref, CI_COMMIT_REF_SLUG: slug(ref), ...(p.branches.has(ref) ? { CI_COMMIT_BRANCH: ref } : {}) });
  }
  const parts = p.namespace.full_path.split('/');
  for (let i = 1; i <= parts.length && p.namespace.kind === 'group'; i++) {
    for (const v of store.groups.get(parts.slice(0, i).join('/'))?.variables ?? []) if (v.value !== null) out[v.key] = v.value;
  }
  for (const v of p.seed.variables ?? []) if (v.value !== null && (v.environment_scope ?? '*') === '*') out[v.key] = v.value;
  return out;
}
