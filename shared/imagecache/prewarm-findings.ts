import type { AlertEntry, Finding } from '#shared/notify/index';
import type { StepOutcome } from './apply-image-cache-plan';
import type { PrewarmReport } from './run-prewarm';

/** Causes that belong to a project (the others belong to a cache or the whole run). */
const PROJECT_CAUSES = new Set(['discovery failed', 'ci config', 'token rights']);

const first = (xs: readonly string[]): string => (xs[0] ?? '').slice(0, 300);

/**
 * Prewarm's CONDITIONS (ADR 0023): per project, GitLab refusing discovery, CI content that does not parse or
 * resolve, and token rights that left images unresolved; per cache, a failed or blocked step; for the run, apply
 * errors, budget overflow, a full image-set store and Kubernetes calls the functions may not make (403). Caches created or deleted are EVENTS, not findings.
 */
export function prewarmFindings(r: { outcomes: readonly StepOutcome[]; report: PrewarmReport }): Finding[] {
  const out: Finding[] = [];
  for (const p of r.report.projects) {
    // GitLab not answering (the project, or a file it should serve) is the token's or GitLab's problem, not the CI's.
    const api = p.unserved ?? [];
    const ci = p.errors.filter((m) => !api.includes(m));
    if (api.length) out.push({ target: p.path, cause: 'discovery failed', severity: 'fail', summary: first(api), detail: api.join('\n') });
    if (ci.length) out.push({ target: p.path, cause: 'ci config', severity: 'fail', summary: first(ci), detail: ci.join('\n') });
    if (p.degraded?.length) out.push({ target: p.path, cause: 'token rights', severity: 'warn', summary: first(p.degraded), detail: p.degraded.join('\n') });
  }
  // A cache that failed: the run that creates it sees the ECI event, later runs the plan's `failed` step whose reason
  // ends in the same event text — one finding either way. A blocked delete of the cache it would replace is a
  // consequence (the old cache is kept), not a finding of its own.
  for (const o of r.outcomes) {
    // A step refused with 403 is told as the rbac-forbidden finding below (its fix is a grant, not the cache).
    if (o.outcome !== 'failed' || o.forbidden) continue;
    const why = (o.detail ?? o.step.reason).replace(/^.*creation failed: /, '');
    out.push({ target: o.step.target, cause: 'cache failed', severity: 'fail', summary: why.slice(0, 300), detail: why });
  }
  for (const e of (r.report.apply?.errors ?? []).filter((x) => !x.forbidden)) out.push({ target: 'ImageCaches', cause: `apply ${e.code}`, severity: 'fail', summary: e.message });
  if (r.report.totals.dropped) out.push({ target: 'budget', cause: 'pod sets left out', severity: 'warn', summary: `${r.report.totals.dropped} pod set(s) did not fit IMAGECACHE_MAX_CACHES / IMAGECACHE_MAX_IMAGES`, detail: String(r.report.totals.dropped) });
  // Calls the functions' identity may not make (403): a missing grant is a condition until someone grants it. (The
  // report's `ci-config-invalid` findings are the projects' config errors, told above as `ci config`.)
  for (const f of (r.report.findings ?? []).filter((x) => x.rule === 'rbac-forbidden')) out.push({ target: f.target, cause: f.rule, severity: f.severity === 'error' ? 'fail' : 'warn', summary: f.message.slice(0, 300), detail: f.message });
  if (r.report.store?.overflow) out.push({ target: 'image-set store', cause: 'overflow', severity: 'warn', summary: 'the image-set ConfigMap would exceed 1 MiB: hook runs walk every project until it fits' });
  return out;
}

/**
 * Which stored prewarm findings this run re-checked: every cache and run-level one; a project's only when this run
 * discovered that project again (a hook run takes the others from the image-set store) or walked every project.
 */
export function prewarmCovers(report: PrewarmReport): (e: AlertEntry) => boolean {
  const rediscovered = new Set(report.projects.filter((p) => !p.memo).map((p) => p.path));
  return (e) => !PROJECT_CAUSES.has(e.cause) || report.walk.mode === 'full' || rediscovered.has(e.target);
}
