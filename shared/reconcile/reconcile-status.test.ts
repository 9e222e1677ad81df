import { describe, expect, it } from 'vitest';
import type { ReconcileReport } from './build-report';
import { reconcileCommitStatus, reconcileReporter } from './reconcile-status';
import type { GitlabPort } from '#shared/gitlab/api/index';
import { memoryLogger } from '#shared/log/index';
import { systemClock } from '#shared/runtime/index';

const report = (drift: boolean): ReconcileReport => ({
  source: 'infra', dryRun: false, applied: true, findings: [], releases: [], steps: [], drift,
  summary: drift ? '3 synced, 1 out of sync, 0 degraded; 0 step(s) applied' : '4 synced, 0 out of sync, 0 degraded; 2 step(s) applied',
  objects: [{ target: 'PersistentVolumeClaim/ci/cache', state: drift ? 'OutOfSync' : 'Synced', reasons: drift ? ['recreate blocked: claim held by a pod'] : [] }],
});

describe('reconcileCommitStatus', () => {
  it('success when in sync after the run; failed with the summary and the first reason otherwise', () => {
    expect(reconcileCommitStatus(report(false))).toEqual({ state: 'success', description: 'in sync: 4 synced, 0 out of sync, 0 degraded; 2 step(s) applied' });
    expect(reconcileCommitStatus(report(true))).toEqual({ state: 'failed', description: '3 synced, 1 out of sync, 0 degraded; 0 step(s) applied — PersistentVolumeClaim/ci/cache: recreate blocked: claim held by a pod' });
  });
});

describe('reconcileReporter', () => {
  const o = { dryRun: false, clock: systemClock, log: memoryLogger() };
  const gitlab = {} as GitlabPort;
  const trigger = { hook: 'Pipeline Hook', project: { id: 7 }, sha: 'a'.repeat(40) };
  it('only for a hook run with a commit, a GitLab port and effects', () => {
    expect(reconcileReporter(gitlab, trigger, o)).toBeDefined();
    expect(reconcileReporter(gitlab, trigger, { ...o, dryRun: true })).toBeUndefined();
    expect(reconcileReporter(undefined, trigger, o)).toBeUndefined();
    expect(reconcileReporter(gitlab, { hook: 'x' }, o)).toBeUndefined();
    expect(reconcileReporter(gitlab, undefined, o)).toBeUndefined();
  });
});
