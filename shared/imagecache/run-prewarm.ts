import type { Env } from '#shared/config/index';
import type { CommitStatusReport, CommitStatusReporter, GitlabPort } from '#shared/gitlab/api/index';
import { forbiddenFinding, type KubeFinding } from '#shared/kube/forbidden';
import type { KubePort } from '#shared/kube/port';
import type { Logger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/clock';
import { applyImageCachePlan, type ApplyResult, type StepOutcome } from './apply-image-cache-plan';
import { collectDesired } from './collect-desired';
import { trustStore } from './trust-store';
import type { ImageSetStore, SaveResult } from './image-set-store';
import type { ProjectReport } from './discover-project';
import { plannedOptions } from './planned-options';
import { planImageCaches } from './plan-image-caches';
import { configFindings, projectStatus, type PrewarmFinding } from './prewarm-status';
import { prewarmVerdict, type PrewarmStatus } from './prewarm-verdict';
import { prewarmReporter, readTriggerHead, supersededBy, triggerTarget, type RunTrigger, type Superseded, type TriggerTarget } from './prewarm-trigger';
import type { RunnerImages } from './read-runner-images';
import { resolveRunnerImages } from './resolve-runner-images';
import type { ImageCachePlan } from './types';

/** Inputs of one prewarm run: ports, config, and the action's params. */
export interface PrewarmInput {
  gitlab: GitlabPort;
  kube: KubePort;
  env: Env;
  clock: Clock;
  log: Logger;
  deadline: Date;
  dryRun: boolean;
  /** Hook run: re-discover only these projects (the others from the image-set store when it can be trusted). */
  projects?: number[];
  /** Last discovered pod sets per project (ConfigMap in production); without it every run walks every project. */
  store?: ImageSetStore;
  pollBaseMs?: number;
  /** `include:remote` fetcher (the `remoteIncludes` port) for URLs on GITLAB_REMOTE_INCLUDE_ALLOWLIST. */
  readRemote?: (url: string) => Promise<string | undefined>;
  /** What changed (the webhook's `source.trigger`): the commit that gets the run's status, and may be superseded. */
  trigger?: RunTrigger;
}

/** The prewarm report (the action's `report`). */
export interface PrewarmReport {
  runner: RunnerImages;
  projects: ProjectReport[];
  /** The plan, with `budget.dropped` and `notCacheable` cut to REPORT_LIST_MAX entries (totals below). */
  plan: ImageCachePlan;
  totals: { dropped: number; notCacheable: number };
  apply?: Omit<ApplyResult, 'outcomes'>;
  /** How the desired state was gathered: `hook` = named projects only, the rest from the store; `full` = every project. */
  walk: { mode: 'hook' | 'full'; why: string };
  /** The store write (not in dryRun): entries written/removed, bytes, overflow. */
  store?: { changed: number; removed: number } & SaveResult;
  /**
   * Calls the functions' identity may not make (403), each naming verb, resource and namespace; and one
   * `ci-config-invalid` finding per project whose CI config is broken (cause: file:line: error).
   */
  findings?: PrewarmFinding[];
  /** The `gitlab-ask-ops/prewarm` status of the commit that caused the run (hook runs with effects). */
  commitStatus?: CommitStatusReport;
  /** The run was skipped: a newer commit of its project was pre-warmed already (docs/adr/0024). */
  superseded?: Superseded;
  /** A message reached at least one channel (set by the action, which tells after the run: ADR 0023). */
  mailed: boolean;
}

export interface PrewarmResult {
  status: PrewarmStatus;
  summary: string;
  outcomes: StepOutcome[];
  report: PrewarmReport;
}

/** Slack over IMAGECACHE_MUTABLE_REFRESH_HOURS so a daily timer run that starts late or runs long keeps hooks cheap. */
const STORE_GRACE_HOURS = 2;

/** Long lists are cut in the report: the worker's result must stay small (FC async results, mails). */
export const REPORT_LIST_MAX = 50;

function compact(plan: ImageCachePlan): ImageCachePlan {
  const cut = <T extends { sources: unknown[] }>(xs: T[]): T[] => xs.slice(0, REPORT_LIST_MAX).map((x) => ({ ...x, sources: x.sources.slice(0, 5) }));
  return { ...plan, notCacheable: cut(plan.notCacheable), budget: { ...plan.budget, dropped: cut(plan.budget.dropped) } };
}

/**
 * The prewarm use case: runner images → desired pod sets (GitLab) → one list of caches → plan → (unless dryRun)
 * apply, wait, supersede. The caller tells about it (prewarm-mail.ts: created/deleted caches are events, problems
 * are conditions). A hook run sets the commit status of the commit that caused it (running → success/failed) and is
 * skipped when a newer commit was pre-warmed already.
 */
export async function runPrewarm(i: PrewarmInput): Promise<PrewarmResult> {
  const target = triggerTarget(i.trigger, i.projects, i.dryRun);
  const status = target ? prewarmReporter(i.gitlab, target, { clock: i.clock, log: i.log }) : undefined;
  try {
    const r = await prewarm(i, target, status);
    if (status) r.report.commitStatus = status.report();
    return r;
  } catch (err) {
    // FC retries a retryable failure: the retry's `running` starts a new status over this one.
    await status?.set('failed', `prewarm failed: ${(err as Error).message}`);
    throw err;
  }
}

async function prewarm(i: PrewarmInput, target: TriggerTarget | undefined, status: CommitStatusReporter | undefined): Promise<PrewarmResult> {
  const e = i.env;
  // A 403 is a finding, never a crash: the run goes on without what it may not read (docs/deploy.md §2).
  const findings: KubeFinding[] = [];
  const forbidden = <T>(target: string, fallback: T) => (err: unknown): T => {
    const f = forbiddenFinding(err, target);
    if (!f) throw err;
    findings.push(f);
    return fallback;
  };
  const secrets = {
    listSecrets: (ns: string, sel?: string) =>
      i.kube.listSecrets(ns, sel).catch((err: unknown) => {
        forbidden(`Secret/${ns}/*`, undefined)(err);
        throw err; // resolveRunnerImages records it as a problem and falls back to helmfile / RUNNER_HELPER_IMAGE
      }),
  };
  const runner = await resolveRunnerImages(secrets, {
    namespace: e.RUNNER_NAMESPACE,
    release: e.RUNNER_RELEASE,
    ...(e.RUNNER_HELPER_IMAGE ? { helperOverride: e.RUNNER_HELPER_IMAGE } : {}),
    // The desired runner config lives in the infra project (INFRA_PROJECT/INFRA_PATH/helmfile.yaml @ INFRA_REF).
    ...(e.INFRA_PROJECT ? { helmfile: () => i.gitlab.readFile(e.INFRA_PROJECT!, `${e.INFRA_PATH.replace(/\/+$/, '')}/helmfile.yaml`, e.INFRA_REF) } : {}),
  });
  const url = new URL(e.GITLAB_URL ?? 'https://gitlab.invalid');
  // One GET for every project's last sets; a hook run walks only its projects when the store can be trusted.
  const storeTarget = `ConfigMap/${e.RUNNER_NAMESPACE}/image-sets`;
  const stored = i.store ? await i.store.load().catch(forbidden(storeTarget, undefined)) : undefined;
  // Unreadable store (403): it is not written either — every run walks every project until it is granted.
  const store = findings.some((f) => f.target === storeTarget) ? undefined : i.store;
  const trust = trustStore(stored, { runner, scope: e.GITLAB_PROJECTS, maxAgeHours: e.IMAGECACHE_MUTABLE_REFRESH_HOURS + STORE_GRACE_HOURS, now: i.clock.now(), hook: i.projects !== undefined });
  const walk = { mode: trust.mode, why: trust.why };
  // Only a trusted hook run may be skipped: a full walk refreshes every project and is never redundant.
  const entry = target ? stored?.projects.get(target.projectId) : undefined;
  const head = target && trust.mode === 'hook' && i.projects?.length === 1 ? await readTriggerHead(i.gitlab, target, entry) : undefined;
  const superseded = target && head ? supersededBy(target, entry, head) : undefined;
  if (superseded) {
    // `skipped` leaves the commit's pipeline status as it is (a skipped job counts as passed in its composite).
    await status?.set('skipped', superseded.reason);
    const plan = planImageCaches([], [], plannedOptions(e, i.clock.now()));
    return { status: 'ok', summary: superseded.reason, outcomes: [], report: { runner, projects: [], plan, totals: { dropped: 0, notCacheable: 0 }, walk, superseded, mailed: false } };
  }
  await status?.set('running', 'pre-warming the images of its CI jobs');
  const desired = await collectDesired(i.gitlab, {
    ...(i.projects && trust.mode === 'hook' ? { projects: i.projects } : {}),
    // The head the superseded check read is the one recorded: one branch read per hook run.
    ...(target && head ? { heads: new Map([[target.projectId, head]]) } : {}),
    ...(stored ? { stored: stored.projects } : {}),
    now: i.clock.now(),
    only: e.GITLAB_PROJECTS,
    concurrency: e.GITLAB_CONCURRENCY,
    runner,
    baseline: e.IMAGECACHE_BASELINE,
    serverHost: url.hostname,
    ...(url.port ? { serverPort: Number(url.port) } : {}),
    ...(e.GITLAB_REGISTRY_HOST ? { registryHost: e.GITLAB_REGISTRY_HOST } : {}),
    dependencyProxy: Boolean(e.GITLAB_DEPENDENCY_PROXY_HOST),
    ciConfigPath: e.CI_CONFIG_PATH,
    remoteAllowlist: e.GITLAB_REMOTE_INCLUDE_ALLOWLIST,
    ...(i.readRemote ? { readRemote: i.readRemote } : {}),
  });
  // One list per run, whatever the number of caches: the plan is recomputed from it, no local state.
  const observed = await i.kube.listImageCaches().catch(forbidden('ImageCache/*', undefined));
  if (!observed) {
    const empty = planImageCaches([], [], plannedOptions(e, i.clock.now()));
    const report: PrewarmReport = { runner, projects: desired.projects, plan: empty, totals: { dropped: 0, notCacheable: 0 }, walk, findings, mailed: false };
    const summary = `cannot list ImageCaches: ${findings.at(-1)!.message}`;
    await status?.set('failed', summary);
    return { status: 'failed', summary, outcomes: [], report };
  }
  const plan = planImageCaches(desired.podSets, observed, { ...plannedOptions(e, i.clock.now()), unknownSources: desired.unknown.map((id) => `p${id}`) });
  // A broken CI config is one finding per project, apart from the 403s (which count as calls forbidden).
  const broken = configFindings(desired.projects);
  const allFindings = (): PrewarmFinding[] | undefined => (findings.length || broken.length ? [...findings, ...broken] : undefined);
  const report: PrewarmReport = { runner, projects: desired.projects, plan: compact(plan), totals: { dropped: plan.budget.dropped.length, notCacheable: plan.notCacheable.length }, walk, ...(allFindings() ? { findings: allFindings()! } : {}), mailed: false };
  const known = { projects: desired.projects, plan, forbidden: findings, broken: broken.length };
  if (i.dryRun) {
    // The status the real run would have for what a plan can tell (prewarm-verdict.ts); a `failed` step is reported
    // as apply reports it (no call is made for it), every other step is skipped.
    const outcomes = plan.steps.map((step): StepOutcome => (step.kind === 'failed' ? { step, outcome: 'failed', detail: step.reason } : { step, outcome: 'skipped', detail: 'dry run' }));
    return { ...prewarmVerdict(known), outcomes, report };
  }
  // Saved before apply: the store records desired state, so a failed write fails the run (retryable) before any
  // cache changes, and a later hook run never plans against sets older than the caches made from them.
  if (store && (desired.changed.size || desired.removed.length || trust.mode === 'full')) {
    const saved = await store.save(desired.changed, desired.removed, trust.mode === 'full' ? { ...trust.meta, complete: desired.unknown.length === 0 } : undefined).catch(forbidden(storeTarget, undefined));
    if (saved) report.store = { changed: desired.changed.size, removed: desired.removed.length, ...saved };
    if (saved?.overflow) i.log.warn('image-set store full: hook runs walk every project until it fits', { bytes: saved.bytes });
    if (allFindings()) report.findings = allFindings()!;
  }
  const applied = await applyImageCachePlan(plan, i.kube, { clock: i.clock, deadline: i.deadline, log: i.log, ...(i.pollBaseMs ? { pollBaseMs: i.pollBaseMs } : {}) });
  const { outcomes, ...rest } = applied;
  report.apply = rest;
  // A create, get or delete refused with 403 is a finding like a refused list (one per call, naming the grant).
  if (applied.forbidden.length) {
    findings.push(...applied.forbidden);
    report.findings = allFindings()!;
  }
  const verdict = prewarmVerdict(known, { outcomes, pending: rest.pending, errors: applied.errors.length, overflow: Boolean(report.store?.overflow) });
  if (target && status) {
    const project = desired.projects.find((p) => p.id === target.projectId);
    const s = projectStatus(target.projectId, { project, podSets: desired.podSets, plan, outcomes, phases: rest.phases, platformFailure: e.PREWARM_STATUS_ON_PLATFORM_FAILURE });
    await status.set(s.state, s.description);
  }
  return { ...verdict, outcomes, report };
}
