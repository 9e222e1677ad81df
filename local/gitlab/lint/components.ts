import { can } from '../access';
import type { Commit, Project } from '../repo-store';
import type { LintEnv } from './context';

/** What FetchService answers: the component file and where it came from, or GitLab's error text. */
export type ComponentResult =
  | { ok: true; content: string; path: string; project: Project; commit: Commit; name: string; version?: string; reference: string }
  | { ok: false; error: string };

const SHORTHAND = /^\d+(\.\d+)?$/;
const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

/** `catalog_resource.versions.latest(major, minor)`: released semantic versions, pre-releases never. */
function latestRelease(p: Project, major?: string, minor?: string): string | undefined {
  let best: number[] | undefined;
  let tag: string | undefined;
  for (const t of p.releases) {
    const m = SEMVER.exec(t);
    if (!m) continue;
    const v = [Number(m[1]), Number(m[2]), Number(m[3])];
    if ((major !== undefined && v[0] !== Number(major)) || (minor !== undefined && v[1] !== Number(minor))) continue;
    const newer = !best || v[0]! - best[0]! || v[1]! - best[1]! || v[2]! - best[2]!;
    if (newer === true || (typeof newer === 'number' && newer > 0)) [best, tag] = [v, t];
  }
  return tag;
}

/**
 * `Ci::Components::FetchService` over the emulated instance (app/services/ci/components/fetch_service.rb,
 * lib/gitlab/ci/components/instance_path.rb, app/models/ci/catalog/components_project.rb).
 */
export function fetchComponent(env: LintEnv, address: string): ComponentResult {
  const err = (what: string): ComponentResult => ({ ok: false, error: `Component '${address}' - ${what}` });
  const prefix = `${env.fqdn}/`;
  if (!address.includes('@') || !address.startsWith(prefix)) return err('the component path is not supported');
  const at = address.indexOf('@');
  const instancePath = address.slice(prefix.length, at);
  const version = address.slice(at + 1);
  const slash = instancePath.lastIndexOf('/');
  const project = instancePath.startsWith('/') || slash <= 0 ? undefined : env.store.findProject(instancePath.slice(0, slash));
  if (!project) return err('content not found');
  const name = instancePath.slice(slash + 1);
  let tag: string | undefined;
  if (version === '~latest') tag = project.seed.catalog ? latestRelease(project) : undefined;
  else if (SHORTHAND.test(version)) tag = project.seed.catalog ? latestRelease(project, ...(version.split('.') as [string, string?])) : undefined;
  else if (project.releases.includes(version)) tag = version;
  const commit = env.store.resolveRef(project, tag ?? (version === '~latest' || SHORTHAND.test(version) ? '' : version));
  // InstancePath#fetch_content!: once project and sha are known, the user needs :download_code on the project.
  if (commit && env.who && !can(env.who, 'download_code', project)) return err("project does not exist or you don't have sufficient permissions");
  if (commit && !name.includes('/')) {
    for (const path of [`templates/${name}.yml`, `templates/${name}/template.yml`]) {
      const content = commit.files.get(path);
      if (content !== undefined) {
        const released = project.releases.find((t) => project.tags.get(t) === commit.id);
        return { ok: true, content, path, project, commit, name, reference: version, ...(released ? { version: released } : {}) };
      }
    }
  }
  if (version === '~latest' && !project.seed.catalog) {
    return err('The ~latest version reference is not supported for non-catalog resources. Use a tag, branch, or commit SHA instead.');
  }
  if (SHORTHAND.test(version) && !project.seed.catalog) {
    return err('The partial semantic version reference is not supported for non-catalog resources. Use a tag, branch, or commit SHA instead.');
  }
  return err('content not found');
}
