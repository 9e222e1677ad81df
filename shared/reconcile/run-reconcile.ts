import type { Env } from '#shared/config/index';
import type { CommitStatusReport, CommitStatusReporter, GitlabPort } from '#shared/gitlab/api/index';
import type { KubePort } from '#shared/kube/port';
import type { Logger } from '#shared/log/index';
import type { Notifier, NotifyOutcome } from '#shared/notify/index';
import type { Clock } from '#shared/runtime/clock';
import { buildReport, type ReconcileReport } from './build-report';
import { checkCaches } from './check-caches';
import { orForbidden } from '#shared/kube/forbidden';
import { loadDesiredState, type DesiredSource } from './load-desired';
import { reconcileReleases } from './reconcile-releases';
import { reconcileCommitStatus } from './reconcile-status';
import { reconcileVolumes, type VolumesKube } from './reconcile-volumes';
import { reconcileContent, reconcileFindings } from './reconcile-message';

/** The ports a reconcile run uses (gitlab only for an infra project or remediation; the notifier for messages). */
export interface ReconcilePorts {
  kube: VolumesKube & Pick<KubePort, 'listSecrets' | 'listImageCaches'>;
  gitlab?: Pick<GitlabPort, 'createPipeline' | 'getPipeline'>;
  /** Every channel, with the alert state (ADR 0023); absent = no messages (the CLI's plan/apply). */
  notifier?: Notifier;
  log: Logger;
  clock: Clock;
  /** The `gitlab-ask-ops/reconcile` status of the infra commit that caused the run (reconcileReporter). */
  status?: CommitStatusReporter;
}

/** Settings of one run, from Config (reconcileEnv) and the action's params. */
export interface ReconcileOptions {
  source: DesiredSource;
  dryRun: boolean;
  /** RECONCILE_APPLY. */
  apply: boolean;
  allowRecreate: boolean;
  nasCapacity: string;
  pendingMinutes: number;
  /** RECONCILE_DELETE_WAIT_SECONDS: a recreate waits this long for the deleted object to be gone. */
  deleteWaitSeconds?: number;
  remediate: boolean;
  infraProject?: string;
  infraRef: string;
  verifyPipeline?: number;
  /** RUNBOOK_URL: docs/operations.md as published, for the message's runbook link (unset = the repository path). */
  runbookBase?: string;
}

/** The env-derived part of ReconcileOptions (reconcileEnv), shared by the action and the CLI. */
export function reconcileEnvOptions(
  e: Env,
): Pick<ReconcileOptions, 'apply' | 'allowRecreate' | 'nasCapacity' | 'pendingMinutes' | 'deleteWaitSeconds' | 'remediate' | 'infraProject' | 'infraRef' | 'runbookBase'> {
  return {
    apply: e.RECONCILE_APPLY,
    allowRecreate: e.RECONCILE_ALLOW_RECREATE,
    nasCapacity: e.NAS_CAPACITY,
    pendingMinutes: e.PVC_PENDING_MINUTES,
    deleteWaitSeconds: e.RECONCILE_DELETE_WAIT_SECONDS,
    remediate: e.HELM_REMEDIATE,
    ...(e.INFRA_PROJECT ? { infraProject: e.INFRA_PROJECT } : {}),
    infraRef: e.INFRA_REF,
    ...(e.RUNBOOK_URL ? { runbookBase: e.RUNBOOK_URL } : {}),
  };
}

/** A report plus whether a message reached a channel, the notifier's outcome, and what became of the commit status. */
export interface ReconcileRun {
  report: ReconcileReport;
  mailed: boolean;
  notify?: NotifyOutcome;
  commitStatus?: CommitStatusReport;
}

/**
 * One reconcile run: load the desired state, reconcile the PV/PVCs (plan → safe apply → status), check the Helm
 * releases and the runner config, remediate or verify through the infra pipeline, then tell: steps applied (the
 * diff) are an event, what stays out of sync a condition — told once, reminded, resolved (ADR 0023). Port errors propagate (retryable ones let FC retry the whole, idempotent, run).
 * @example const { report } = await runReconcile(ports, { source: diskDesiredSource('infra'), dryRun: true, ... });
 */
export async function runReconcile(ports: ReconcilePorts, o: ReconcileOptions): Promise<ReconcileRun> {
  await ports.status?.set('running', 'reconciling NAS volumes and the gitlab-runner release with this commit');
  try {
    const run = await reconcile(ports, o);
    if (!ports.status) return run;
    const s = reconcileCommitStatus(run.report);
    await ports.status.set(s.state, s.description);
    return { ...run, commitStatus: ports.status.report() };
  } catch (e) {
    // FC retries a retryable failure: the retry's `running` starts a new status over this one.
    await ports.status?.set('failed', `reconcile failed: ${(e as Error).message}`);
    throw e;
  }
}

async function reconcile(ports: ReconcilePorts, o: ReconcileOptions): Promise<ReconcileRun> {
  const desired = await loadDesiredState(o.source);
  const perform = o.apply && !o.dryRun;
  const vol = await reconcileVolumes(ports.kube, desired, {
    apply: perform,
    allowRecreate: o.allowRecreate,
    nasCapacity: o.nasCapacity,
    pendingMinutes: o.pendingMinutes,
    now: ports.clock.now(),
    deleteWait: { clock: ports.clock, timeoutMs: (o.deleteWaitSeconds ?? 60) * 1000 },
  });
  const rel = await reconcileReleases({ kube: ports.kube, ...(ports.gitlab ? { gitlab: ports.gitlab } : {}) }, desired, vol.observed.pvcs, {
    remediate: o.remediate,
    ...(o.infraProject ? { infraProject: o.infraProject } : {}),
    infraRef: o.infraRef,
    ...(o.verifyPipeline !== undefined ? { verifyPipeline: o.verifyPipeline } : {}),
    apply: perform,
    justCreated: new Set(vol.outcomes.filter((x) => x.outcome === 'applied' && x.step.ref.kind === 'PersistentVolumeClaim' && x.step.kind !== 'patch' && x.step.kind !== 'rebind').map((x) => `${x.step.ref.namespace ?? 'default'}/${x.step.ref.name}`)),
  });
  // One list, whatever the number of caches: their health belongs in the platform report (prewarm repairs them).
  const cacheFindings: typeof rel.findings = [];
  const listed = await orForbidden(ports.kube.listImageCaches(), 'ImageCache/*', cacheFindings);
  const caches = listed ? checkCaches(listed) : { target: 'ImageCache/*', state: 'Degraded' as const, reasons: cacheFindings.map((f) => `error [${f.rule}]: ${f.message}`) };
  const report = buildReport({
    desired,
    dryRun: o.dryRun,
    applied: perform,
    outcomes: vol.outcomes,
    findings: [...vol.findings, ...rel.findings, ...cacheFindings],
    releases: rel.releases,
    ...(rel.remediation ? { remediation: rel.remediation } : {}),
    caches,
  });
  ports.log.info('reconcile report', { summary: report.summary, drift: report.drift, objects: report.objects.map((x) => `${x.target}=${x.state}`) });
  if (!ports.notifier) return { report, mailed: false };
  const event = report.steps.some((s) => s.outcome === 'applied') || report.remediation?.kind === 'triggered';
  // A message outage must not turn a finished reconcile into a retried one: the notifier never throws for it.
  const notify = await ports.notifier.notify({ action: 'reconcile', findings: reconcileFindings(report), event, build: (d) => reconcileContent(report, d, o.runbookBase ? { runbookBase: o.runbookBase } : {}) });
  return { report, mailed: notify.delivered, notify };
}
