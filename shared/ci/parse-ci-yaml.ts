import { parseAllDocuments } from 'yaml';
import { AppError } from '#shared/errors/index';
import { isCiReference } from './ci-reference';
import { referenceTag } from './ci-reference';
import type { CiMap } from './types';

/** A parsed CI file: the optional `spec:` header document and the configuration document. */
export interface ParsedCiFile {
  spec?: CiMap;
  config: CiMap;
}

/**
 * Parse one CI file like GitLab does: YAML with merge keys (`<<`), duplicate keys allowed (Psych keeps the last),
 * the `!reference` tag, and an optional `spec: inputs:` header separated by `---`. Ruby-symbol keys (`:test_job:`)
 * from old CI Lint `merged_yaml` responses are read as plain keys
 * (https://github.com/gitlabhq/gitlabhq/blob/00871a93/doc/api/lint.md).
 * Throws `CI_CONFIG` on YAML errors or a non-mapping document.
 */
export function parseCiYaml(text: string, file: string): ParsedCiFile {
  const docs = parseAllDocuments(text, { customTags: [referenceTag], merge: true, uniqueKeys: false, prettyErrors: false });
  if (!Array.isArray(docs)) return { config: {} }; // empty stream
  for (const d of docs) {
    const err = d.errors[0];
    if (err) throw ciError(file, `YAML: ${err.message.split('\n')[0]}`, positionOf(text, err.pos[0]));
  }
  const values = docs.map((d) => normalizeKeys(d.toJS({ maxAliasCount: 1000 })));
  const first = values[0];
  if (values.length >= 2 && isMap(first) && 'spec' in first) {
    if (values.length > 2) throw ciError(file, 'only a spec header and one configuration document are allowed');
    const config = values[1] ?? {};
    if (!isMap(config)) throw ciError(file, 'configuration document is not a mapping');
    return { spec: first.spec as CiMap, config };
  }
  if (values.length > 1) throw ciError(file, 'multiple YAML documents without a spec header');
  if (first === null || first === undefined) return { config: {} };
  if (!isMap(first)) throw ciError(file, 'configuration is not a mapping');
  return { config: first };
}

/** True for a plain mapping (not an array, not a `!reference`). */
export function isMap(v: unknown): v is CiMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isCiReference(v) && !(v instanceof Date);
}

/** Assign an own property even for the key `__proto__` (a YAML key must never reach an object's prototype). */
export function setOwn(obj: CiMap, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Line and column (1-based, as `yaml`'s prettyErrors count them) of a source offset. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const at = Math.max(0, Math.min(offset, text.length));
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

function ciError(file: string, message: string, pos?: { line: number; column: number }): AppError {
  return new AppError('CI_CONFIG', message, { status: 422, details: { file, ...pos } });
}

// Strip a leading ':' from mapping keys (Ruby symbols); values stay as written.
function normalizeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalizeKeys);
  if (!isMap(v)) return v;
  const out: CiMap = {};
  for (const [k, val] of Object.entries(v)) setOwn(out, k.startsWith(':') ? k.slice(1) : k, normalizeKeys(val));
  return out;
}
