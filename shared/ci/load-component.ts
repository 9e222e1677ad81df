import { expandOnce, lookupIn } from './expand-variables';
import type { IncludeItem } from './include-items';
import { INCLUDE_JOB, loadCiFile, type IncludeContext } from './resolve-includes';
import {
  componentError, componentTemplatePaths, needsReleases, parseComponentAddress, pickReleasedVersion, type ComponentRelease,
} from './resolve-component';
import type { CiMap } from './types';

const FULL_SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/**
 * `include: component:` through the file source: the address must be on this instance (`CI_SERVER_FQDN`), the version
 * names a release (`~latest`, `1`, `1.2` through `listReleases`) or any git ref (tag, branch, sha) that `readProject`
 * resolves itself; the file is `templates/<name>.yml` or else `templates/<name>/template.yml` at that ref. Its own
 * includes resolve in the component project at that ref (File::Component#expand_context_attrs).
 */
export async function loadComponent(
  ctx: IncludeContext,
  item: Extract<IncludeItem, { kind: 'component' }>,
  vars: Record<string, string>,
  stack: string[],
): Promise<CiMap | undefined> {
  const where = stack[stack.length - 1] ?? '';
  const unresolved = (ref: string, reason: string): undefined => void ctx.unresolved.push({ job: INCLUDE_JOB, ref, reason });
  const loc = expandOnce(item.location, lookupIn(vars));
  if (loc.missing.length) return unresolved(item.location, `unknown variables in component address: ${loc.missing.join(', ')}`);
  const address = loc.value;
  const fqdn = vars.CI_SERVER_FQDN;
  if (!fqdn) return unresolved(address, 'the instance FQDN (CI_SERVER_FQDN) is not known, so the component cannot be located');
  const parsed = parseComponentAddress(address, fqdn);
  if ('error' in parsed) {
    // Another instance's component: GitLab refuses it too; it must be mirrored to this instance (docs).
    if (!address.startsWith(`${fqdn}/`)) return unresolved(address, `${parsed.error} (only components of ${fqdn} resolve; mirror the project)`);
    return void ctx.errors.push({ file: where, message: parsed.error });
  }
  const { project, name, version } = parsed;
  let picked: ComponentRelease | undefined;
  if (needsReleases(version)) {
    let releases: ComponentRelease[] | undefined;
    try {
      releases = ctx.source.listReleases ? await ctx.source.listReleases(project) : undefined;
    } catch (e) {
      return void ctx.errors.push({ file: `component:${address}`, message: `listing releases failed: ${e instanceof Error ? e.message : String(e)}`, unserved: true });
    }
    if (!ctx.source.listReleases) return unresolved(address, `version ${version} needs the project's releases, which the source cannot list`);
    // The source lists releases but knows no such project (404/403): GitLab's answer is "content not found".
    if (releases === undefined) return void ctx.errors.push({ file: where, message: componentError(address, 'content not found') });
    picked = pickReleasedVersion(version, releases);
    if (!picked) return void ctx.errors.push({ file: where, message: componentError(address, `no released version matches ${version}`) });
  }
  const ref = picked?.tag ?? version;
  const [simple, dir] = componentTemplatePaths(name);
  if (!simple || !dir) return void ctx.errors.push({ file: where, message: componentError(address, 'content not found') });
  const read = async (): Promise<string | undefined> => (await ctx.source.readProject(project, ref, simple)) ?? ctx.source.readProject(project, ref, dir);
  // Values for `$[[ component.* ]]` (Header::Component): version is known for released versions only.
  const component: Record<string, string> = {
    name, reference: version,
    ...(picked ? { version: picked.tag, sha: picked.sha } : FULL_SEMVER.test(version) ? { version } : {}),
  };
  return loadCiFile(ctx, { kind: 'project', project, ref }, `component:${address}`, read, item.inputs, stack, { component, missing: componentError(address, 'content not found') });
}
