import { Document } from 'yaml';
import { configVariables, type IncludeMeta, type LintEnv } from './lint/context';
import { applyExtends } from './lint/extends';
import { interpolate } from './lint/interpolate';
import { processIncludes } from './lint/processor';
import { resolveReferences } from './lint/references';
import { fetchRemoteInclude, type RemoteAccess } from './lint/remote-fetch';
import { injectEdgeStages, validateConfig } from './lint/validate';
import { isHash, LintError, loadYaml } from './lint/yaml-load';
import type { Principal } from './access';
import type { Commit, Project, RepoStore } from './repo-store';
import type { CiTemplates } from './templates';

export type { RemoteAccess } from './lint/remote-fetch';

/** What one lint call needs from the emulated instance. */
export interface LintInput {
  store: RepoStore;
  /** GitLab's template finder: `include:template` reads `<key>.gitlab-ci.yml` through it (nested keys included). */
  templates: CiTemplates;
  /** The project the lint runs in (`POST /projects/:id/ci/lint`). */
  project: Project;
  /** Base URL of the instance (server_fqdn, blob/raw links). */
  base: string;
  /** `dry_run: true` simulates a pipeline on this ref; static lint ignores it and reads the default branch HEAD. */
  dryRun?: boolean;
  ref?: string;
  /** Static lint's commit: `GET ci/lint` passes its `content_ref` commit (`sha:`); default the default branch HEAD. */
  at?: Commit;
  /** How `include:remote` reaches its hosts; none = every remote include fails with a socket error. */
  remote?: RemoteAccess;
  /** `ci_max_includes` (default 150). */
  maxIncludes?: number;
  /** Whom the lint runs as: project includes and components need :download_code for them. None = no checks. */
  who?: Principal;
  /** Pipeline variables over the static lint's config variables (pipeline creation: `CI_PIPELINE_SOURCE`, request's). */
  variables?: Record<string, string>;
}

export interface LintAnswer {
  valid: boolean;
  errors: string[];
  warnings: string[];
  merged_yaml: string | null;
  includes: IncludeMeta[];
}

/** `server_fqdn` (Settings.build_server_fqdn): host, then `:port` unless it is 80 or 443. */
export function serverFqdn(base: string): string {
  const u = new URL(base);
  return u.port && u.port !== '80' && u.port !== '443' ? `${u.hostname}:${u.port}` : u.hostname;
}

/**
 * The emulated `POST /projects/:id/ci/lint` as GitLab's static lint runs it (lib/api/lint.rb, lib/gitlab/ci/lint.rb,
 * lib/gitlab/ci/config.rb#build_config): the posted YAML in the project's context at its default branch HEAD (not the
 * posted `ref`, which only a dry run uses) → includes (rules, components, remote, nested in their own project) →
 * `extends` → `!reference` → `.pre`/`.post` stages, then the entry and stage validation. `merged_yaml` is that
 * config re-serialised: anchors, `extends` and `!reference` resolved, `extends:` keys kept, nested arrays kept.
 */
export async function lintCi(content: string, input: LintInput): Promise<LintAnswer> {
  const p = input.project;
  const ref = input.dryRun && input.ref ? input.ref : p.defaultBranch ?? undefined;
  const commit = (!input.dryRun && input.at) || (ref ? input.store.resolveRef(p, ref) : undefined);
  const fqdn = serverFqdn(input.base);
  const env: LintEnv = {
    store: input.store, templates: input.templates, fqdn, base: input.base, maxIncludes: input.maxIncludes ?? 150, includes: [],
    fetchRemote: (url) => fetchRemoteInclude(url, input.remote), ...(input.who ? { who: input.who } : {}),
  };
  const variables = { ...configVariables(input.store, p, commit, ref, input.base, fqdn), ...input.variables };
  const invalid = (errors: string[], merged: string | null = null): LintAnswer => ({ valid: false, errors, warnings: [], merged_yaml: merged, includes: env.includes });
  let config: Record<string, unknown>;
  try {
    const y = loadYaml(content);
    const root = interpolate(y.header, y.content, undefined);
    if (!isHash(root)) return invalid(['Invalid configuration format']);
    const included = await processIncludes(root, { project: p, ...(commit ? { commit } : {}), variables }, env, 0);
    config = injectEdgeStages(resolveReferences(applyExtends(included)));
  } catch (e) {
    if (e instanceof LintError) return invalid([e.message]);
    throw e;
  }
  const doc = new Document();
  doc.contents = doc.createNode(config);
  // Block style, no folding: the shape of Ruby's Hash#to_yaml.
  const merged = `---\n${doc.toString({ collectionStyle: 'block', lineWidth: 0 })}`;
  const errors = validateConfig(config);
  if (errors.length) return invalid(errors, merged);
  return { valid: true, errors: [], warnings: [], merged_yaml: merged, includes: env.includes };
}
