import { can } from '../access';
import type { FileContext, IncludeMeta, LintEnv } from './context';
import { fetchComponent } from './components';
import { interpolate } from './interpolate';
import { processIncludes } from './processor';
import { isHash, LintError, loadYaml, type Hash } from './yaml-load';

const YAML_EXT = /.+\.(yml|yaml)$/i;
const KINDS = ['local', 'project', 'remote', 'template', 'artifact', 'component'];

/** A fetched file: text, the context its own includes resolve in, and its `includes` metadata. */
interface Fetched {
  content: string;
  nested: FileContext;
  meta: IncludeMeta;
  component?: Record<string, string>;
}

const base = (env: LintEnv, fctx: FileContext): Pick<IncludeMeta, 'context_project' | 'context_sha'> => ({
  context_project: fctx.project?.path_with_namespace ?? null, context_sha: fctx.commit?.id ?? null,
});

/**
 * Matcher + one External::File class (local, project, remote, template, component, artifact): validate the
 * location, fetch, and raise the file's first error in GitLab's words (lib/gitlab/ci/config/external/file/*.rb).
 */
async function fetchFile(loc: Hash, fctx: FileContext, env: LintEnv): Promise<Fetched> {
  const kinds = KINDS.filter((k) => (k === 'project' ? loc.project !== undefined && loc.file !== undefined : loc[k] !== undefined && k !== 'project'));
  if (kinds.length === 0) throw new LintError(`\`${JSON.stringify(loc)}\` does not have a valid subkey for include. Valid subkeys are: \`${KINDS.join('`, `')}\``);
  if (kinds.length > 1) throw new LintError(`Each include must use only one of: \`${KINDS.join('`, `')}\``);
  const kind = kinds[0]!;
  const raw = String(kind === 'project' ? loc.file : loc[kind]).replace(kind === 'local' || kind === 'project' ? /^\/+/ : /^$/, '');
  if (kind !== 'component' && !YAML_EXT.test(raw.split('/').at(-1) ?? '')) throw new LintError(`Included file \`${raw}\` does not have YAML extension!`);
  const noProject: FileContext = { variables: {} };
  if (kind === 'local') {
    if (!fctx.project || !fctx.commit) throw new LintError(`Local file \`${raw}\` does not have project!`);
    const c = fctx.commit.files.get(raw);
    if (c === undefined) throw new LintError(`Local file \`${raw}\` does not exist!`);
    if (c.trim() === '') throw new LintError(`Local file \`${raw}\` is empty!`);
    const where = `${env.base}/${fctx.project.path_with_namespace}/-/`;
    return { content: c, nested: fctx, meta: { type: 'local', location: raw, blob: `${where}blob/${fctx.commit.id}/${raw}`, raw: `${where}raw/${fctx.commit.id}/${raw}`, extra: {}, ...base(env, fctx) } };
  }
  if (kind === 'project') {
    const name = String(loc.project).toLowerCase();
    const ref = loc.ref === undefined || loc.ref === null ? 'HEAD' : String(loc.ref);
    const p = env.store.projects.find((x) => x.path_with_namespace.toLowerCase() === name);
    // File::Project#validate_context!: an unknown project and one the user may not :download_code read alike.
    if (!p || (env.who && !can(env.who, 'download_code', p))) throw new LintError(`Project \`${name}\` not found or access denied! Make sure any includes in the pipeline configuration are correctly defined.`);
    const commit = env.store.resolveRef(p, ref === 'HEAD' ? p.defaultBranch ?? '' : ref);
    if (!commit) throw new LintError(`Project \`${name}\` reference \`${ref}\` does not exist!`);
    const c = commit.files.get(raw);
    if (c === undefined) throw new LintError(`Project \`${name}\` file \`${raw}\` does not exist!`);
    if (c.trim() === '') throw new LintError(`Project \`${name}\` file \`${raw}\` is empty!`);
    const where = `${env.base}/${p.path_with_namespace}/-/`;
    return { content: c, nested: { project: p, commit, variables: fctx.variables },
      meta: { type: 'file', location: raw, blob: `${where}blob/${commit.id}/${raw}`, raw: `${where}raw/${commit.id}/${raw}`, extra: { project: name, ref }, ...base(env, fctx) } };
  }
  if (kind === 'template') {
    if (!raw.endsWith('.gitlab-ci.yml')) throw new LintError(`Template file \`${raw}\` is not a valid location!`);
    // GitlabCiYmlTemplate.find(key): the finder the project templates route uses, nested keys included.
    const c = env.templates.content(raw.slice(0, -'.gitlab-ci.yml'.length));
    if (!c || c.trim() === '') throw new LintError(`Included file \`${raw}\` is empty or does not exist!`);
    return { content: c, nested: noProject, meta: { type: 'template', location: raw, blob: null, raw: `https://gitlab.com/gitlab-org/gitlab/-/raw/master/lib/gitlab/ci/templates/${raw}`, extra: {}, ...base(env, fctx) } };
  }
  if (kind === 'remote') {
    if (!/^https?:\/\/[^\s/]+/.test(raw)) throw new LintError(`Remote file \`${raw}\` does not have a valid address!`);
    const c = await env.fetchRemote(raw);
    if (c.trim() === '') throw new LintError(`Included file \`${raw}\` is empty or does not exist!`);
    return { content: c, nested: noProject, meta: { type: 'remote', location: raw, blob: null, raw, extra: {}, ...base(env, fctx) } };
  }
  if (kind === 'component') {
    if (!fctx.project) throw new LintError('Unable to use components outside of a project context');
    const r = fetchComponent(env, raw);
    if (!r.ok) throw new LintError(r.error);
    const component = { name: r.name, sha: r.commit.id, reference: r.reference, ...(r.version ? { version: r.version } : {}) };
    return { content: r.content, nested: { project: r.project, commit: r.commit, variables: fctx.variables }, component,
      meta: { type: 'component', location: raw, blob: `${env.base}/${r.project.path_with_namespace}/-/blob/${r.commit.id}/${r.path}`, raw: null, extra: {}, ...base(env, fctx) } };
  }
  throw new LintError('Including configs from artifacts is only allowed when triggering child pipelines');
}

/** Fetch, load (header + inputs), expand the file's own includes, and record it in `includes`. */
export async function loadIncludedFile(loc: Hash, fctx: FileContext, env: LintEnv, depth: number): Promise<Hash> {
  const f = await fetchFile(loc, fctx, env);
  let hash: unknown;
  try {
    const y = loadYaml(f.content);
    hash = interpolate(y.header, y.content, isHash(loc.inputs) ? loc.inputs : undefined, f.component);
  } catch (e) {
    throw new LintError(`\`${f.meta.location}\`: ${(e as Error).message}`);
  }
  if (!isHash(hash) || Object.keys(hash).length === 0) throw new LintError(`Included file \`${f.meta.location}\` does not have valid YAML syntax!`);
  const merged = await processIncludes(hash, f.nested, env, depth + 1);
  // Nested files enter the expandset while their parent validates, so they are listed before it.
  env.includes.push(f.meta);
  return merged;
}
