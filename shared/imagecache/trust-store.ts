import type { StoredImageSets, StoreMeta } from './image-set-store';
import type { RunnerImages } from './read-runner-images';

/** Inputs of trustStore: what the current run would record as meta, and whether it is a hook run. */
export interface TrustInput {
  runner: RunnerImages;
  /** GITLAB_PROJECTS. */
  scope: string[];
  /** IMAGECACHE_MUTABLE_REFRESH_HOURS: a hook run after a longer gap since the last full walk walks everything. */
  maxAgeHours: number;
  now: Date;
  hook: boolean;
}

/** The walk decision with its reason, and the meta a full walk records. */
export interface TrustDecision {
  mode: 'hook' | 'full';
  why: string;
  meta: StoreMeta;
}

/** The runner images every stored pod set was discovered with (the helper image is part of each set). */
export const runnerKey = (r: RunnerImages): string => `${r.helperImage ?? ''}|${r.defaultImage ?? ''}`;

/**
 * Decide whether a hook run may take the projects it does not name from the store (pure). It may only when the last
 * full walk completed, used the same runner images and GITLAB_PROJECTS scope, and is at most `maxAgeHours` old —
 * any doubt means a full walk, which costs GitLab requests but never a wrong plan.
 */
export function trustStore(stored: StoredImageSets | undefined, i: TrustInput): TrustDecision {
  const meta: StoreMeta = { fullWalkAt: i.now.toISOString(), runner: runnerKey(i.runner), scope: i.scope.join(','), complete: true };
  const full = (why: string): TrustDecision => ({ mode: 'full', why, meta });
  if (!i.hook) return full('timer or manual run: every project is walked and the store refreshed');
  if (!stored) return full('no image-set store wired');
  const m = stored.meta;
  if (!m) return full('image-set store is empty (no full walk recorded)');
  if (!m.complete) return full('the last full walk did not record every project (store full or discovery failed)');
  if (m.runner !== meta.runner) return full('runner images changed since the last full walk');
  if (m.scope !== meta.scope) return full('GITLAB_PROJECTS changed since the last full walk');
  const ageH = (i.now.getTime() - Date.parse(m.fullWalkAt)) / 3_600_000;
  if (!(ageH <= i.maxAgeHours)) return full(`last full walk is older than ${i.maxAgeHours} h`);
  return { mode: 'hook', why: `named projects re-discovered; ${stored.projects.size} project(s) from the store (full walk ${m.fullWalkAt})`, meta };
}
