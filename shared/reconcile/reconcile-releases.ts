import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { gitlabMessageOf, hasHttpStatus, type GitlabPort, type PipelineInfo, type ProjectRef } from '#shared/gitlab/api/index';
import { readHelmRelease } from '#shared/kube/helm-release';
import type { KubePort } from '#shared/kube/port';
import { checkRelease, releaseTarget, type ReleaseCheck } from './check-release';
import { doctorRunner } from './doctor-runner';
import { forbiddenFinding } from '#shared/kube/forbidden';
import type { DesiredState, Finding } from './types';

/** Remediation settings (HELM_REMEDIATE, INFRA_PROJECT, INFRA_REF) and the Pipeline Hook's pipeline id. */
export interface ReleaseReconcileOptions {
  remediate: boolean;
  infraProject?: ProjectRef;
  infraRef: string;
  /** Set when the infra pipeline's Pipeline Hook brought us here (params.verifyPipeline). */
  verifyPipeline?: number;
  /** False in dry runs and with RECONCILE_APPLY=false: report only. */
  apply: boolean;
  /** `ns/name` of claims the volume half created this run (still binding). */
  justCreated?: ReadonlySet<string>;
}

/** What remediation did: a pipeline triggered, or a verification of one. */
export type Remediation =
  | { kind: 'triggered'; project: string; pipeline: number; url: string; releases: string[] }
  | { kind: 'skipped'; reason: string; releases: string[] }
  | { kind: 'verified' | 'still-drifting'; project: string; pipeline: number; pipelineStatus: string; releases: string[] };

export interface ReleaseReconcileResult {
  releases: ReleaseCheck[];
  findings: Finding[];
  remediation?: Remediation;
}

/**
 * Read each declared release (one Secret list per release), compare it with helmfile, run the runner doctor on what
 * is live (or on helmfile's values before the first install), and — when enabled — hand drift to the infra
 * project's pipeline (`helmfile apply`), or verify what that pipeline did when its Pipeline Hook calls us back.
 */
export async function reconcileReleases(
  ports: { kube: Pick<KubePort, 'listSecrets'>; gitlab?: Pick<GitlabPort, 'createPipeline' | 'getPipeline'> },
  desired: DesiredState,
  pvcs: V1PersistentVolumeClaim[],
  opts: ReleaseReconcileOptions,
): Promise<ReleaseReconcileResult> {
  const releases: ReleaseCheck[] = [];
  const findings: Finding[] = [];
  for (const d of desired.releases) {
    let live: Awaited<ReturnType<typeof readHelmRelease>>;
    try {
      live = await readHelmRelease(ports.kube, d.namespace, d.name);
    } catch (e) {
      // Unreadable (403) is not "not installed": report it, never remediate what we cannot see.
      const f = forbiddenFinding(e, releaseTarget(d));
      if (!f) throw e;
      findings.push(f);
      releases.push({ release: d.name, namespace: d.namespace, target: f.target, state: 'Degraded', reasons: ['release state unreadable (403 Forbidden)'], values: [] });
      continue;
    }
    const check = checkRelease(d, live);
    releases.push(check);
    findings.push(...doctorRunner({ target: check.target, values: live?.config ?? d.values, namespace: d.namespace, pvcs, ...(opts.justCreated ? { justCreated: opts.justCreated } : {}) }));
  }
  const drifting = releases.filter((r) => r.state !== 'Synced').map((r) => r.target);
  const project = opts.infraProject === undefined ? undefined : String(opts.infraProject);
  if (opts.verifyPipeline !== undefined) {
    if (!project || !ports.gitlab) return { releases, findings, remediation: { kind: 'skipped', reason: 'verifyPipeline given but INFRA_PROJECT or the GitLab port is not configured', releases: drifting } };
    const p: PipelineInfo = await ports.gitlab.getPipeline(project, opts.verifyPipeline);
    return { releases, findings, remediation: { kind: drifting.length ? 'still-drifting' : 'verified', project, pipeline: p.id, pipelineStatus: p.status, releases: drifting } };
  }
  // Only OutOfSync is handed on: a Degraded (stuck) release makes helmfile fail with "another operation is in progress".
  const fixable = releases.filter((r) => r.state === 'OutOfSync').map((r) => r.target);
  if (!fixable.length) return { releases, findings };
  const skip = (reason: string): ReleaseReconcileResult => ({ releases, findings, remediation: { kind: 'skipped', reason, releases: fixable } });
  if (!opts.remediate) return skip('HELM_REMEDIATE is off: report only');
  if (!project || !ports.gitlab) return skip('INFRA_PROJECT is not set: no pipeline to run helmfile apply');
  if (!opts.apply) return skip('dry run: pipeline not triggered');
  let p: PipelineInfo;
  try {
    p = await ports.gitlab.createPipeline(project, opts.infraRef, { RECONCILE_REASON: 'drift' });
  } catch (e) {
    // GitLab refused (400 workflow rules / invalid YAML / pipeline variables, 403 role, scope or archived): an
    // answer, not an outage — reported in GitLab's words, never as triggered. 5xx and network failures propagate.
    if (!hasHttpStatus(e, 400, 403, 404)) throw e;
    return skip(`not started: ${gitlabMessageOf(e) ?? (e as Error).message}`);
  }
  return { releases, findings, remediation: { kind: 'triggered', project, pipeline: p.id, url: p.web_url, releases: fixable } };
}
