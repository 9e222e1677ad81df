import type { HelmRelease } from '#shared/kube/helm-release';
import { diffValues } from './values-diff';
import type { DesiredRelease, FieldDiff, ObjectReport } from './types';

/** Helm statuses that mean an operation never finished or failed (pkg/release/common/status.go). */
const STUCK = /^(pending-install|pending-upgrade|pending-rollback|uninstalling)$/;

/** Drift of one release: chart, version and user values (masked), plus a stuck or failed status. */
export interface ReleaseCheck extends ObjectReport {
  release: string;
  namespace: string;
  revision?: number;
  status?: string;
  chart?: { live?: string; desired: string };
  /** Values paths that differ (masked). */
  values: FieldDiff[];
}

/** Key used in reports: `HelmRelease/<namespace>/<name>`. */
export const releaseTarget = (r: { name: string; namespace: string }) => `HelmRelease/${r.namespace}/${r.name}`;

/**
 * Compare the live release (latest revision, read from Helm's Secret storage) with helmfile's declaration. Pure.
 * OutOfSync = chart/version/values differ or the release is missing; Degraded = stuck in pending-* / failed.
 */
export function checkRelease(desired: DesiredRelease, live: HelmRelease | undefined): ReleaseCheck {
  const base = { release: desired.name, namespace: desired.namespace, target: releaseTarget(desired) };
  const want = `${desired.chartName}-${desired.version || '*'}`;
  if (!live) return { ...base, state: 'OutOfSync', reasons: ['release is not installed'], chart: { desired: want }, values: [] };
  const reasons: string[] = [];
  const have = `${live.chart.name}-${live.chart.version}`;
  if (live.chart.name !== desired.chartName) reasons.push(`chart ${live.chart.name} ≠ ${desired.chartName}`);
  else if (desired.version && live.chart.version !== desired.version) reasons.push(`chart version ${live.chart.version} ≠ ${desired.version}`);
  const values = diffValues(live.config, desired.values);
  if (values.length) reasons.push(`${values.length} value(s) differ: ${values.map((v) => v.path).join(', ')}`);
  let state: ReleaseCheck['state'] = reasons.length ? 'OutOfSync' : 'Synced';
  if (STUCK.test(live.status)) {
    state = 'Degraded';
    reasons.unshift(`revision ${live.revision} is stuck in ${live.status}: another helm operation never finished (helm rollback or a new upgrade clears it)`);
  } else if (live.status === 'failed') {
    state = 'Degraded';
    reasons.unshift(`revision ${live.revision} failed`);
  }
  return { ...base, state, reasons, revision: live.revision, status: live.status, chart: { live: have, desired: want }, values, ...(values.length ? { diff: values } : {}) };
}
