import type { CollectionTag } from 'yaml';

// A registry-wide brand: recognised across bundles and checked with one property read (isMap runs on every node).
const BRAND = Symbol.for('gitlab-ask-ops.ci-reference');

/** The value of a `!reference [.job, key, ...]` tag until `resolveReferences` replaces it. */
export class CiReference {
  readonly [BRAND] = true;
  constructor(readonly path: string[]) {}

  toString(): string {
    return `!reference [${this.path.join(', ')}]`;
  }
}

/** True for a `!reference` placeholder (also across bundles, hence the duck check). */
export function isCiReference(v: unknown): v is CiReference {
  return typeof v === 'object' && v !== null && (v as { [BRAND]?: boolean })[BRAND] === true;
}

/** The `yaml` custom tag: GitLab's `!reference` takes a sequence of keys (ci.json `"!reference"`). */
export const referenceTag: CollectionTag = {
  tag: '!reference',
  collection: 'seq',
  resolve(seq, onError) {
    const path = seq.items.map((item) => {
      const v = typeof item === 'object' && item !== null && 'value' in item ? (item as { value: unknown }).value : item;
      return String(v);
    });
    if (path.length === 0) onError('!reference needs at least one key');
    return new CiReference(path);
  },
};
