import { Document, isMap, isScalar, isSeq, parseDocument, YAMLMap, type Node } from 'yaml';

/** Where the emulated lint reads included files from. Each returns undefined when missing. */
export interface LintSources {
  local(path: string): string | undefined;
  /** `include: project`; returns `null` when the project itself is unknown. */
  project(project: string, ref: string | undefined, file: string): string | undefined | null;
  template(name: string): string | undefined;
}

export interface LintAnswer {
  valid: boolean;
  errors: string[];
  warnings: string[];
  merged_yaml: string | null;
  includes: Array<{ type: string; location: string; blob: null; raw: null; extra: Record<string, unknown> }>;
}

// Top-level keywords that are not jobs (ci.json); anything else that is a map and not `.hidden` is a job.
const RESERVED = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec', 'pages:deploy']);
const MAX_INCLUDES = 150;

const keyOf = (k: unknown): string => (isScalar(k) ? String(k.value) : String(k));

/** GitLab's include merge: hashes merge recursively, the including file wins, other values are replaced. */
function mergeInto(target: YAMLMap, src: YAMLMap): void {
  for (const pair of src.items) {
    const key = keyOf(pair.key);
    if (key === 'include') continue;
    const have = target.get(key, true) as Node | undefined;
    const value = pair.value as Node | null;
    if (isMap(have) && isMap(value)) mergeInto(have, value);
    else target.set(key, isMap(value) || isSeq(value) || isScalar(value) ? value.clone() : value);
  }
}

type Item = { type: string; location: string; read: () => string | undefined | null; missing: string; project?: string };

function includeItems(include: unknown, src: LintSources): Item[] {
  const list = Array.isArray(include) ? include : include === undefined || include === null ? [] : [include];
  const out: Item[] = [];
  for (const raw of list) {
    const it: Record<string, unknown> = typeof raw === 'string' ? (/^https?:\/\//.test(raw) ? { remote: raw } : { local: raw }) : (raw as Record<string, unknown>);
    if (typeof it.local === 'string') {
      const path = it.local.replace(/^\/+/, '');
      out.push({ type: 'local', location: it.local, read: () => src.local(path), missing: `Local file \`${it.local}\` does not exist!` });
    } else if (typeof it.project === 'string') {
      const files = Array.isArray(it.file) ? (it.file as string[]) : [String(it.file)];
      for (const f of files) {
        const ref = typeof it.ref === 'string' ? it.ref : undefined;
        out.push({ type: 'file', location: f, read: () => src.project(String(it.project), ref, f.replace(/^\/+/, '')),
          missing: `Project \`${String(it.project)}\` file \`${f}\` does not exist!`, project: String(it.project) });
      }
    } else if (typeof it.template === 'string') {
      const name = it.template;
      out.push({ type: 'template', location: name, read: () => src.template(name.replace(/\.gitlab-ci\.yml$/, '')),
        missing: `Included file \`${name}\` is empty or does not exist!` });
    } else {
      const where = String(it.remote ?? it.component ?? JSON.stringify(it));
      out.push({ type: it.remote ? 'remote' : 'component', location: where, read: () => undefined, missing: `Included file \`${where}\` could not be fetched (not emulated)` });
    }
  }
  return out;
}

/**
 * The emulated `POST /projects/:id/ci/lint`: YAML syntax, includes (local, project, template; nested) merged into
 * `merged_yaml` with `include` removed. `extends`, `!reference` and `default` are left as written — as in GitLab's
 * merged_yaml (facts/gitlab.md §2.3). Not a full validator: only what a caller of merged_yaml relies on.
 */
export function lintCi(content: string, src: LintSources): LintAnswer {
  const errors: string[] = [];
  const includes: LintAnswer['includes'] = [];
  const fail = (): LintAnswer => ({ valid: false, errors, warnings: [], merged_yaml: null, includes });
  const parse = (text: string, where: string): YAMLMap | undefined => {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) {
      errors.push(`${where}: ${doc.errors[0]!.message.split('\n')[0]}`);
      return undefined;
    }
    if (doc.contents === null) return new YAMLMap();
    if (!isMap(doc.contents)) errors.push(`${where}: Invalid configuration format`);
    return isMap(doc.contents) ? doc.contents : undefined;
  };
  const root = parse(content, '(<unknown>)');
  if (!root) return fail();
  const merged = new YAMLMap();
  const expand = (map: YAMLMap, depth: number): void => {
    const inc = map.get('include', true) as Node | undefined;
    for (const item of includeItems(inc ? inc.toJSON() : undefined, src)) {
      if (includes.length >= MAX_INCLUDES || depth > 100) return void errors.push(`Maximum of ${MAX_INCLUDES} nested includes are allowed!`);
      const text = item.read();
      if (text === undefined || text === null || text.trim() === '') {
        errors.push(text === null ? `Project \`${item.project}\` not found or access denied!` : item.missing);
        continue;
      }
      includes.push({ type: item.type, location: item.location, blob: null, raw: null, extra: {} });
      const sub = parse(text, `Included file \`${item.location}\``);
      if (!sub) continue;
      expand(sub, depth + 1);
      mergeInto(merged, sub);
    }
  };
  expand(root, 0);
  mergeInto(merged, root);
  if (errors.length > 0) return fail();
  const jobs = merged.items.filter((p) => !keyOf(p.key).startsWith('.') && !RESERVED.has(keyOf(p.key)) && isMap(p.value));
  if (jobs.length === 0) errors.push('jobs config should contain at least one visible job');
  if (errors.length > 0) return fail();
  const doc = new Document();
  doc.contents = merged;
  // Block style, no folding: the shape of a re-serialised hash, as GitLab's (Ruby) to_yaml produces it.
  const text = doc.toString({ collectionStyle: 'block', lineWidth: 0 });
  return { valid: true, errors: [], warnings: [], merged_yaml: `---\n${text}`, includes };
}
