import { describe, expect, it } from 'vitest';
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { CommitState, GitlabPort } from '#shared/gitlab/api/index';
import { memoryLogger } from '#shared/log/index';
import type { NotifyDecision } from '#shared/notify/index';
import { systemClock } from '#shared/runtime/index';
import type { StepOutcome } from './apply-volume-plan';
import { buildReport, type ReconcileReport } from './build-report';
import type { ReleaseCheck } from './check-release';
import { reconcileContent, reconcileFindings } from './reconcile-message';
import { RECONCILE_SEVERITY, reconcileCommit, reconcileCommitStatus, reconcileStatus, type ReconcileStatus } from './reconcile-status';
import type { Finding, ObjectReport } from './types';

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

/** Every kind of condition a run can end with, as buildReport assembles it, and the status we decided for it (ADR 0014 §10). */
const CLAIM = 'PersistentVolumeClaim/default/cache';
const claim: V1PersistentVolumeClaim = { metadata: { name: 'cache', namespace: 'default' }, spec: {} };
const step = (outcome: StepOutcome['outcome'], kind: 'patch' | 'recreate' = 'patch'): StepOutcome =>
  ({ step: { kind, target: CLAIM, ref: { kind: 'PersistentVolumeClaim', name: 'cache', namespace: 'default' }, reason: 'spec drift', patch: {}, diff: [], object: claim }, outcome, ...(outcome === 'applied' ? {} : { detail: outcome }) }) as StepOutcome;
const finding = (rule: string, severity: Finding['severity'] = 'error'): Finding => ({ rule, target: CLAIM, severity, message: `${rule} found` });
const release = (state: ReleaseCheck['state']): ReleaseCheck => ({ target: 'HelmRelease/ci/gitlab-runner', release: 'gitlab-runner', namespace: 'ci', state, reasons: [`release ${state}`], values: [] });
const caches = (state: ObjectReport['state']): ObjectReport => ({ target: 'ImageCache/*', state, reasons: state === 'Synced' ? [] : ['1 of 3 ImageCache(s) Failed: ic-1'] });
type Kind = { outcomes?: StepOutcome[]; findings?: Finding[]; releases?: ReleaseCheck[]; caches?: ObjectReport; triggered?: true; dryRun?: true };
const KINDS: Record<string, [Kind, ReconcileStatus]> = {
  'in sync': [{}, 'ok'],
  'a step applied': [{ outcomes: [step('applied')] }, 'changed'],
  'remediation triggered': [{ releases: [release('OutOfSync')], triggered: true }, 'degraded'],
  'a warning only (doctor)': [{ findings: [finding('helper-image', 'warn')] }, 'ok'],
  'a step the API refused': [{ outcomes: [step('failed')] }, 'failed'],
  'a recreate blocked while Bound': [{ outcomes: [step('blocked', 'recreate')] }, 'degraded'],
  'a step not applied (RECONCILE_APPLY=false)': [{ outcomes: [step('skipped')] }, 'degraded'],
  'a step not applied (dry run)': [{ outcomes: [step('skipped')], dryRun: true }, 'degraded'],
  'pvc-pending (the sandbox seed)': [{ findings: [finding('pvc-pending')] }, 'degraded'],
  'pvc-lost': [{ findings: [finding('pvc-lost')] }, 'degraded'],
  'pv-released': [{ findings: [finding('pv-released')] }, 'degraded'],
  'pv-failed': [{ findings: [finding('pv-failed')] }, 'degraded'],
  'a seed rule broken (pv-capacity)': [{ findings: [finding('pv-capacity')] }, 'degraded'],
  'a read refused (rbac-forbidden)': [{ findings: [finding('rbac-forbidden')] }, 'failed'],
  'release drift': [{ releases: [release('OutOfSync')] }, 'degraded'],
  'release stuck in pending-upgrade or failed': [{ releases: [release('Degraded')] }, 'degraded'],
  'Failed ImageCaches': [{ caches: caches('Degraded') }, 'degraded'],
  'drift beside a failed step': [{ outcomes: [step('failed')], releases: [release('Degraded')] }, 'failed'],
};
const build = (k: Kind): ReconcileReport => ({
  ...buildReport({ desired: { source: 'infra', pvs: [], pvcs: [claim], releases: [] }, dryRun: Boolean(k.dryRun), applied: !k.dryRun, outcomes: k.outcomes ?? [], findings: k.findings ?? [], releases: k.releases ?? [], caches: k.caches ?? caches('Synced') }),
  ...(k.triggered ? { remediation: { kind: 'triggered' as const, project: 'ops/infra', pipeline: 7, url: '', releases: ['HelmRelease/ci/gitlab-runner'] } } : {}),
});
const told = (r: ReconcileReport): NotifyDecision => ({ tell: reconcileFindings(r).map((finding) => ({ finding: { ...finding, fp: finding.cause, digest: '' }, why: 'new' as const })), quiet: [], resolved: [], event: true, dryRun: r.dryRun });
const RANK = { ok: 0, warn: 1, fail: 2 } as const;

describe('result status, exit code and message severity agree, over every condition kind', () => {
  it.each(Object.entries(KINDS))('%s', (_, [kind, want]) => {
    const r = build(kind);
    const status = reconcileStatus(r);
    expect(status).toBe(want);
    const content = reconcileContent(r, told(r));
    expect(content.severity).toBe(RECONCILE_SEVERITY[status]);
    // ❌ exactly when the result is failed (exit 1): the sandbox's Pending claims are ⚠️, never ❌ FAIL.
    expect(content.severity === 'fail').toBe(status === 'failed');
    // Each condition is told at the severity it gives the run; the worst of them is the message's (when it is not ok).
    const worst = reconcileFindings(r).reduce<keyof typeof RANK>((w, f) => (RANK[f.severity] > RANK[w] ? f.severity : w), 'ok');
    if (status === 'failed' || status === 'degraded') expect(worst).toBe(content.severity);
    else expect(RANK[worst]).toBeLessThanOrEqual(RANK.warn);
  });
});

describe('the runbook link', () => {
  it('is built from RUNBOOK_URL, else the repository path', () => {
    const r = build({ outcomes: [step('blocked', 'recreate')] });
    const fix = (o?: { runbookBase?: string }) => JSON.stringify((reconcileContent(r, told(r), o).sections ?? []).find((s) => s.heading === 'Fix'));
    expect(fix({ runbookBase: 'https://gitlab.example.com/ops/gitlab-ask-ops/-/blob/main/docs/operations.md#old' })).toContain('\\nRunbook: https://gitlab.example.com/ops/gitlab-ask-ops/-/blob/main/docs/operations.md#reconcile-hourly-and-on-pushes-to-the-infra-project"');
    expect(fix()).toContain('\\nRunbook: docs/operations.md#reconcile-hourly-and-on-pushes-to-the-infra-project"');
  });
});

describe('reconcileCommit: a status only on the commit whose state is read', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  const o = { infraProject: 'ops/infra', infraRef: 'main', dryRun: false, clock: systemClock, log: memoryLogger() };
  const trigger = (sha: string, path = 'ops/infra') => ({ hook: 'Pipeline Hook', project: { id: 7, path }, ref: 'main', sha });
  const gitlab = (head: string | undefined | Error): GitlabPort & { posted: Array<[string, CommitState, string | undefined]> } => {
    const posted: Array<[string, CommitState, string | undefined]> = [];
    return {
      posted,
      branchHead: async () => (head instanceof Error ? Promise.reject(head) : head),
      setCommitStatus: async (_p: unknown, sha: string, st: { state: CommitState; name: string; description?: string; ref?: string }) => (posted.push([sha, st.state, st.description]), { id: 1, sha, ref: st.ref ?? null, status: st.state, name: st.name, description: st.description ?? null, pipelineId: 1 }),
    } as unknown as GitlabPort & { posted: typeof posted };
  };

  it("the trigger's commit is INFRA_REF's head: read at that commit, and it gets the run's statuses", async () => {
    const c = await reconcileCommit(gitlab(A), trigger(A), o);
    expect(c).toMatchObject({ readAt: A, reporter: expect.anything() });
    expect(c.superseded).toBeUndefined();
  });

  it('INFRA_REF moved on (a queued run for an older commit): read the head, and the old commit gets only `skipped`', async () => {
    const g = gitlab(B);
    const c = await reconcileCommit(g, trigger(A), o);
    expect(c.readAt).toBe(B);
    expect(c.reporter).toBeUndefined();
    expect(c.superseded!.reason).toBe(`superseded: ops/infra@${A.slice(0, 12)} is no longer the head of main; this run reconciled ${B.slice(0, 12)}`);
    await c.superseded!.reporter.set('skipped', c.superseded!.reason);
    expect(g.posted).toEqual([[A, 'skipped', c.superseded!.reason]]);
  });

  it('no status when the head is unknown (a tag, an outage), for a dry run, another project, or no commit or port', async () => {
    for (const c of [
      await reconcileCommit(gitlab(undefined), trigger(A), o),
      await reconcileCommit(gitlab(new Error('503')), trigger(A), o),
      await reconcileCommit(gitlab(A), trigger(A), { ...o, dryRun: true }),
      await reconcileCommit(gitlab(A), trigger(A, 'jsmith/infra-fork'), o),
      await reconcileCommit(gitlab(A), { hook: 'x' }, o),
      await reconcileCommit(gitlab(A), undefined, o),
      await reconcileCommit(undefined, trigger(A), o),
      await reconcileCommit(gitlab(A), trigger(A), { ...o, infraProject: undefined }),
    ]) expect(c).toEqual({ readAt: 'main' });
  });
});
