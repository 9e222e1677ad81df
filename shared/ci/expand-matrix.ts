import { isMap } from './parse-ci-yaml';

/**
 * The variable combinations of `parallel: matrix:` — each list entry is the cartesian product of its keys' values
 * (a scalar counts as a one-value list). No matrix yields one empty combination; more than `max` are cut off
 * and flagged (GitLab rejects more than 200 jobs per matrix).
 */
export function expandMatrix(parallel: unknown, max: number): { combos: Record<string, string>[]; truncated: boolean } {
  const matrix = isMap(parallel) ? parallel.matrix : undefined;
  if (!Array.isArray(matrix) || matrix.length === 0) return { combos: [{}], truncated: false };
  const combos: Record<string, string>[] = [];
  for (const entry of matrix) {
    if (!isMap(entry)) continue;
    let partial: Record<string, string>[] = [{}];
    for (const [k, raw] of Object.entries(entry)) {
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v) => v !== null && typeof v !== 'object').map(String);
      partial = partial.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
    }
    combos.push(...partial);
  }
  if (combos.length === 0) return { combos: [{}], truncated: false };
  return { combos: combos.slice(0, max), truncated: combos.length > max };
}
