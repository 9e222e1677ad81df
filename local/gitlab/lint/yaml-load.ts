import { isMap, isScalar, isSeq, parseAllDocuments, type CollectionTag } from 'yaml';

/** A `!reference [a, b]` until lint/references.ts resolves it (Gitlab::Ci::Config::Yaml::Tags::Reference). */
export class LintReference {
  constructor(readonly seq: unknown[]) {}
}

/** A plain YAML mapping as Ruby's Psych + GitLab's loader produce it. */
export type Hash = Record<string, unknown>;

export const isHash = (v: unknown): v is Hash => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof LintReference);

/** Thrown for anything that makes GitLab's `Ci::Config` raise ConfigError: the lint answer carries the message. */
export class LintError extends Error {}

const referenceTag: CollectionTag = {
  tag: '!reference',
  collection: 'seq',
  resolve: (seq) => new LintReference(seq.items.map((i) => (isScalar(i) ? i.value : isSeq(i) || isMap(i) ? i.toJSON() : i))),
};

/** One loaded file: the optional `spec:` header and the content (anchors and `<<` merges already applied). */
export interface LoadedYaml {
  header?: Hash;
  content: unknown;
}

/**
 * Gitlab::Ci::Config::Yaml::Loader: YAML with anchors, merge keys and `!reference`, and an optional header document
 * (`spec:`) before `---`. Errors are worded like Psych's first line, e.g. "(<unknown>): did not find expected key".
 */
export function loadYaml(text: string, maxBytes = 1024 * 1024): LoadedYaml {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new LintError('The parsed YAML is too big');
  const docs = parseAllDocuments(text, { customTags: [referenceTag], merge: true, uniqueKeys: false, prettyErrors: false });
  if (!Array.isArray(docs)) return { content: null };
  for (const d of docs) if (d.errors[0]) throw new LintError(`(<unknown>): ${d.errors[0].message.split('\n')[0]}`);
  const values = docs.map((d) => symbolKeys(d.toJS({ maxAliasCount: 1000 }) as unknown));
  const first = values[0];
  if (values.length > 1 && isHash(first) && 'spec' in first) {
    if (values.length > 2) throw new LintError('Invalid configuration format');
    return { header: first, content: values[1] };
  }
  if (values.length > 1) throw new LintError('Invalid configuration format');
  return { content: first ?? null };
}

// Psych loads a plain `:name` key as the Symbol :name and GitLab symbolizes every key, so `:test_job:` and
// `test_job:` are the same job (old lint merged_yaml looks like that: doc/api/lint.md).
function symbolKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(symbolKeys);
  if (!isHash(v)) return v;
  const out: Hash = {};
  for (const [k, x] of Object.entries(v)) {
    Object.defineProperty(out, k.length > 1 && k.startsWith(':') ? k.slice(1) : k, { value: symbolKeys(x), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
