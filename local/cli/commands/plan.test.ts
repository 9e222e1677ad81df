import { describe, expect, it } from 'vitest';
import type { ReconcileReport } from '#shared/reconcile/index';
import { reconcileExitCode } from './plan';

const report = (o: Partial<ReconcileReport>): ReconcileReport => ({ steps: [], findings: [], objects: [], releases: [], drift: false, summary: '', ...o }) as unknown as ReconcileReport;
const forbidden = { rule: 'rbac-forbidden', target: 'PersistentVolume/*', severity: 'error', message: 'cannot list persistentvolumes at cluster scope' };

describe('reconcileExitCode (terraform plan -detailed-exitcode semantics)', () => {
  it('plan --detailed-exitcode: 0 in sync, 2 drift, 1 when the run could not see its state (a refused read), even with drift', () => {
    expect(reconcileExitCode(report({}), 'plan', true)).toBe(0);
    expect(reconcileExitCode(report({ drift: true }), 'plan', true)).toBe(2);
    expect(reconcileExitCode(report({ drift: true, findings: [forbidden] as never }), 'plan', true)).toBe(1);
    expect(reconcileExitCode(report({ drift: true, steps: [{ kind: 'patch', target: 'PersistentVolume/a', reason: 'x', outcome: 'failed' }] as never }), 'plan', true)).toBe(1);
  });

  it('plain plan is 0 whatever it found; apply is 1 unless in sync after the run', () => {
    expect(reconcileExitCode(report({ drift: true, findings: [forbidden] as never }), 'plan', false)).toBe(0);
    expect(reconcileExitCode(report({ drift: true }), 'apply', false)).toBe(1);
    expect(reconcileExitCode(report({ findings: [forbidden] as never }), 'apply', false)).toBe(1);
    expect(reconcileExitCode(report({}), 'apply', false)).toBe(0);
  });
});
