import { isMap } from './parse-ci-yaml';
import type { CiMap } from './types';

/** One `include:` entry, normalized (ci.json `include_item`). `rules:` on includes are not evaluated (ADR 0007). */
export type IncludeItem =
  | { kind: 'local'; path: string; inputs?: CiMap }
  | { kind: 'project'; project: string; ref?: string; files: string[]; inputs?: CiMap }
  | { kind: 'template'; name: string; inputs?: CiMap }
  | { kind: 'remote'; url: string; inputs?: CiMap }
  | { kind: 'component'; location: string }
  | { kind: 'artifact'; location: string }
  | { kind: 'invalid'; reason: string };

/** Turn an `include:` value (string, mapping, or a list of either) into typed items, in file order. */
export function normalizeIncludes(value: unknown): IncludeItem[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map(normalizeOne);
}

function normalizeOne(v: unknown): IncludeItem {
  if (typeof v === 'string') {
    return /^https?:\/\//i.test(v) ? { kind: 'remote', url: v } : { kind: 'local', path: v };
  }
  if (!isMap(v)) return { kind: 'invalid', reason: `include entry is not a string or mapping: ${JSON.stringify(v)}` };
  // `with:` was the experimental spelling of `inputs:`.
  const rawInputs = v.inputs ?? v.with;
  const inputs = isMap(rawInputs) ? { inputs: rawInputs } : {};
  if (typeof v.local === 'string') return { kind: 'local', path: v.local, ...inputs };
  if (typeof v.project === 'string') {
    const files = Array.isArray(v.file) ? v.file.map(String) : typeof v.file === 'string' ? [v.file] : [];
    if (files.length === 0) return { kind: 'invalid', reason: `include:project ${v.project} names no file` };
    const ref = v.ref === undefined || v.ref === null ? {} : { ref: String(v.ref) };
    return { kind: 'project', project: v.project, files, ...ref, ...inputs };
  }
  if (typeof v.template === 'string') return { kind: 'template', name: v.template, ...inputs };
  if (typeof v.remote === 'string') return { kind: 'remote', url: v.remote, ...inputs };
  if (typeof v.component === 'string') return { kind: 'component', location: v.component };
  if (typeof v.artifact === 'string') return { kind: 'artifact', location: v.artifact };
  return { kind: 'invalid', reason: `unknown include entry: ${JSON.stringify(v)}` };
}
