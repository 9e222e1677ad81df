import type { StepOutcome } from './apply-volume-plan';
import type { ReleaseCheck } from './check-release';
import type { Remediation } from './reconcile-releases';
import { targetOf, type DesiredState, type FieldDiff, type Finding, type ObjectReport, type SyncState } from './types';

/** One reconcile run, as JSON (`s invoke`), text (`ops plan`) and mail. Secret values are masked throughout. */
export interface ReconcileReport {
  source: string;
  dryRun: boolean;
  /** Steps were performed (not dry run, RECONCILE_APPLY on). */
  applied: boolean;
  objects: ObjectReport[];
  steps: Array<{ kind: string; target: string; reason: string; outcome: StepOutcome['outcome']; detail?: string; diff?: FieldDiff[] }>;
  findings: Finding[];
  releases: ReleaseCheck[];
  remediation?: Remediation;
  /** Something is not Synced after this run (or a step failed or was blocked). */
  drift: boolean;
  summary: string;
}

const RANK: Record<SyncState, number> = { Synced: 0, OutOfSync: 1, Degraded: 2 };
const worse = (a: SyncState, b: SyncState): SyncState => (RANK[b] > RANK[a] ? b : a);

function volumeObject(target: string, outcomes: StepOutcome[], findings: Finding[]): ObjectReport {
  let state: SyncState = 'Synced';
  const reasons: string[] = [];
  const diff: FieldDiff[] = [];
  for (const o of outcomes.filter((x) => x.step.target === target)) {
    const s = o.step;
    if ('diff' in s) diff.push(...s.diff);
    if (o.outcome === 'applied') {
      reasons.push(`${s.kind}: ${s.reason} (applied)`);
      continue;
    }
    state = worse(state, o.outcome === 'failed' ? 'Degraded' : 'OutOfSync');
    if (o.outcome === 'failed') reasons.push(`${s.kind} failed: ${o.detail ?? ''}`);
    else if (o.outcome === 'blocked') reasons.push(`${s.kind} blocked: ${s.reason} — ${o.detail ?? ''}`);
    else reasons.push(`${s.kind}: ${s.reason}`);
  }
  for (const f of findings.filter((x) => x.target === target)) {
    if (f.severity === 'error') state = worse(state, 'Degraded');
    reasons.push(`${f.severity === 'error' ? 'error' : 'warning'} [${f.rule}]: ${f.message}`);
  }
  return { target, state, reasons, ...(diff.length ? { diff } : {}) };
}

/** Assemble the per-object report: every declared PV, PVC and release gets exactly one line. Pure. */
export function buildReport(input: {
  desired: DesiredState;
  dryRun: boolean;
  applied: boolean;
  outcomes: StepOutcome[];
  findings: Finding[];
  releases: ReleaseCheck[];
  remediation?: Remediation;
  /** The ImageCache summary line (checkCaches). */
  caches?: ObjectReport;
}): ReconcileReport {
  const { desired, outcomes, findings, releases } = input;
  const targets = [
    ...desired.pvs.map((p) => targetOf({ kind: 'PersistentVolume', name: p.metadata?.name ?? '' })),
    ...desired.pvcs.map((c) => targetOf({ kind: 'PersistentVolumeClaim', name: c.metadata?.name ?? '', namespace: c.metadata?.namespace ?? 'default' })),
  ];
  const objects: ObjectReport[] = targets.map((t) => volumeObject(t, outcomes, findings));
  for (const r of releases) {
    let state = r.state;
    const reasons = [...r.reasons];
    for (const f of findings.filter((x) => x.target === r.target)) {
      if (f.severity === 'error') state = worse(state, 'Degraded');
      reasons.push(`${f.severity === 'error' ? 'error' : 'warning'} [${f.rule}]: ${f.message}`);
    }
    if (input.remediation && 'releases' in input.remediation && input.remediation.releases.includes(r.target)) {
      const m = input.remediation;
      reasons.push(m.kind === 'triggered' ? `remediation: pipeline ${m.pipeline} triggered in ${m.project} (helmfile apply)` : m.kind === 'skipped' ? `remediation skipped: ${m.reason}` : `pipeline ${m.pipeline} ${m.pipelineStatus}: ${m.kind}`);
    }
    objects.push({ target: r.target, state, reasons, ...(r.values.length ? { diff: r.values } : {}) });
  }
  if (input.caches) objects.push({ target: input.caches.target, state: input.caches.state, reasons: input.caches.reasons });
  const count = (s: SyncState) => objects.filter((o) => o.state === s).length;
  const drift = objects.some((o) => o.state !== 'Synced') || outcomes.some((o) => o.outcome === 'failed' || o.outcome === 'blocked');
  const applied = outcomes.filter((o) => o.outcome === 'applied').length;
  const verified = input.remediation?.kind === 'verified' ? `; pipeline ${input.remediation.pipeline} verified` : input.remediation?.kind === 'still-drifting' ? `; pipeline ${input.remediation.pipeline} done but still drifting` : '';
  const summary = `${count('Synced')} synced, ${count('OutOfSync')} out of sync, ${count('Degraded')} degraded; ${applied} step(s) applied${verified}`;
  return {
    source: desired.source,
    dryRun: input.dryRun,
    applied: input.applied,
    objects,
    steps: outcomes.map((o) => ({ kind: o.step.kind, target: o.step.target, reason: o.step.reason, outcome: o.outcome, ...(o.detail ? { detail: o.detail } : {}), ...('diff' in o.step ? { diff: o.step.diff } : {}) })),
    findings,
    releases,
    ...(input.remediation ? { remediation: input.remediation } : {}),
    drift,
    summary,
  };
}
