import { isMap } from './parse-ci-yaml';
import type { CiMap } from './types';

/** Keys every include kind may carry besides its location (ci.json `include_item`). */
interface ItemCommon {
  inputs?: CiMap;
  /** `include:rules`, evaluated before the file is read (lib/gitlab/ci/config/external/mapper/filter.rb). */
  rules?: unknown;
}

/** One `include:` entry, normalized (ci.json `include_item`). */
export type IncludeItem =
  | ({ kind: 'local'; path: string } & ItemCommon)
  | ({ kind: 'project'; project: string; ref?: string; files: string[] } & ItemCommon)
  | ({ kind: 'template'; name: string } & ItemCommon)
  | ({ kind: 'remote'; url: string } & ItemCommon)
  | ({ kind: 'component'; location: string } & ItemCommon)
  | { kind: 'artifact'; location: string }
  | { kind: 'invalid'; reason: string };

/** Turn an `include:` value (string, mapping, or a list of either) into typed items, in file order. */
export function normalizeIncludes(value: unknown): IncludeItem[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map(normalizeOne);
}

// Gitlab::UrlSanitizer.valid?: an http(s) URL is a remote include, anything else a local path (mapper/normalizer.rb).
export const isRemoteLocation = (s: string): boolean => /^https?:\/\//i.test(s);

function normalizeOne(v: unknown): IncludeItem {
  if (typeof v === 'string') return isRemoteLocation(v) ? { kind: 'remote', url: v } : { kind: 'local', path: v };
  if (!isMap(v)) return { kind: 'invalid', reason: `include entry is not a string or mapping: ${JSON.stringify(v)}` };
  // Only `inputs:`. `with:`, its 15.11 beta spelling, is no longer read: gitlabhq
  // lib/gitlab/ci/config/external/file/base.rb @0286e4c6 `content_inputs` slices :inputs alone (gitlab-org/gitlab#408369)
  // and mapper/matcher.rb ignores extra keys, so GitLab silently drops it (which release did is UNCONFIRMED).
  const common: ItemCommon = { ...(isMap(v.inputs) ? { inputs: v.inputs } : {}), ...(v.rules !== undefined ? { rules: v.rules } : {}) };
  if (typeof v.local === 'string') return { kind: 'local', path: v.local, ...common };
  if (typeof v.project === 'string') {
    const files = Array.isArray(v.file) ? v.file.map(String) : typeof v.file === 'string' ? [v.file] : [];
    if (files.length === 0) return { kind: 'invalid', reason: `include:project ${v.project} names no file` };
    const ref = v.ref === undefined || v.ref === null ? {} : { ref: String(v.ref) };
    return { kind: 'project', project: v.project, files, ...ref, ...common };
  }
  if (typeof v.template === 'string') return { kind: 'template', name: v.template, ...common };
  if (typeof v.remote === 'string') return { kind: 'remote', url: v.remote, ...common };
  if (typeof v.component === 'string') return { kind: 'component', location: v.component, ...common };
  if (typeof v.artifact === 'string') return { kind: 'artifact', location: v.artifact };
  return { kind: 'invalid', reason: `unknown include entry: ${JSON.stringify(v)}` };
}
