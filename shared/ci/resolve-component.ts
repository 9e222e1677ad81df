/**
 * `include:component` addresses and versions as GitLab resolves them:
 * lib/gitlab/ci/components/instance_path.rb (address, version → sha), app/models/ci/catalog/components_project.rb
 * (template paths), app/services/ci/components/fetch_service.rb (error texts), doc/ci/components/_index.md.
 */

/** A parsed `<fqdn>/<project path>/<component name>@<version>`. */
export interface ComponentAddress {
  project: string;
  name: string;
  /** As written after `@`: a tag, sha, branch, `~latest` or a partial semantic version (`1`, `1.2`). */
  version: string;
}

/** A release of the component project: tag and the commit it points at. */
export interface ComponentRelease {
  tag: string;
  sha: string;
}

/** GitLab's `InstancePath::LATEST` and `SHORTHAND_SEMVER_PATTERN`. */
export const LATEST = '~latest';
const SHORTHAND = /^\d+(\.\d+)?$/;
// Catalog versions are semantic versions; `~latest` and partial versions never pick a pre-release (docs).
const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** "Component '<address>' - <what>" (FetchService#error_prefix). */
export const componentError = (address: string, what: string): string => `Component '${address}' - ${what}`;

/**
 * Split an (already variable-expanded) address. `fqdn` is the instance's `server_fqdn` (host, `:port` unless
 * 80/443, relative URL root): GitLab only resolves components of its own instance (`InstancePath.match?`).
 */
export function parseComponentAddress(address: string, fqdn: string): ComponentAddress | { error: string } {
  const at = address.indexOf('@');
  if (at < 0 || !address.startsWith(`${fqdn}/`)) return { error: componentError(address, 'the component path is not supported') };
  const path = address.slice(fqdn.length + 1, at);
  const version = address.slice(at + 1);
  const slash = path.lastIndexOf('/');
  // extract_project_path: the last `/` separates the project's full path from the component name.
  if (path.startsWith('/') || slash <= 0 || version === '') return { error: componentError(address, 'content not found') };
  return { project: path.slice(0, slash), name: path.slice(slash + 1), version };
}

/** True when the version needs the project's released versions (`~latest`, `1`, `1.2`). */
export const needsReleases = (version: string): boolean => version === LATEST || SHORTHAND.test(version);

/**
 * `~latest` → newest released semantic version; `1` / `1.2` → newest `1.*.*` / `1.2.*`; pre-releases never.
 * `catalog.versions.latest(major, minor)` in GitLab.
 */
export function pickReleasedVersion(version: string, releases: ComponentRelease[]): ComponentRelease | undefined {
  const [major, minor] = version === LATEST ? [] : version.split('.');
  let best: { r: ComponentRelease; key: number[] } | undefined;
  for (const r of releases) {
    const m = SEMVER.exec(r.tag);
    if (!m || m[4] !== undefined) continue;
    const key = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (major !== undefined && key[0] !== Number(major)) continue;
    if (minor !== undefined && key[1] !== Number(minor)) continue;
    if (!best || compare(key, best.key) > 0) best = { r, key };
  }
  return best?.r;
}

const compare = (a: number[], b: number[]): number => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;

/**
 * The files a component may live in, in GitLab's order: `templates/<name>.yml`, then `templates/<name>/template.yml`.
 * A name with `/` matches neither (`fetch_component` returns no content).
 */
export function componentTemplatePaths(name: string): string[] {
  if (name.includes('/')) return [];
  return [`templates/${name}.yml`, `templates/${name}/template.yml`];
}
