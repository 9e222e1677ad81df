import { listBackupObjects, type BackupPrefixes } from '#shared/backup/inventory';
import { step } from '#shared/backup/orchestrate/step-log';
import { runKeyHash } from '#shared/backup/run-name';
import type { CheckResult } from '#shared/checks/index';
import type { OssPort } from '#shared/cloud/oss/index';
import { toAppError } from '#shared/errors/index';
import type { GitlabPort } from '#shared/gitlab/api/index';
import type { KubePort } from '#shared/kube/port';
import type { Logger } from '#shared/log/index';
import type { Notifier } from '#shared/notify/index';
import { newestVerifiedBackup, readBackupFacts } from '#shared/restore/backup-facts';
import { backupVersionCheck, configCheck, verifiedCheck } from '#shared/restore/restore-preconditions';
import { runbookLink } from '#shared/notify/runbook';
import { renderRestoreScript, withConfigBesideData, type RestoreScriptConfig } from '#shared/restore/script/index';
import type { Clock } from '#shared/runtime/index';
import { compareLive } from './compare-live';
import { cleanupDrill, deleteDrillObjects, listDrillObjects, type DrillObject } from './drill-cleanup';
import { drillClaim, drillNames, drillPod, drillVolume, type DrillOssAuth, type DrillSpec } from './drill-manifests';
import { podOutcome, type PodOutcome } from './drill-outcome';
import type { DrillReport } from './drill-report';
import { drillFix } from './drill-fix';
import { drillScriptConfig } from './drill-script';
import { extraStorageGiB, gitlabImage, volumeCapacity } from './drill-sizing';
import { readDrillRun } from './drill-record';
import { tellDrill } from './tell-drill';
import { followPod } from './follow-pod';

export interface DrillDeps {
  kube: KubePort;
  oss: OssPort;
  /** The live instance to compare with; absent = the comparison is skipped (and says why). */
  gitlab?: Pick<GitlabPort, 'instanceCounts' | 'branchHead' | 'hasCommit'>;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
}

export interface DrillOptions {
  /** A named backup; default the newest verified one. */
  backup?: string;
  dryRun: boolean;
  namespace: string;
  prefixes: BackupPrefixes;
  bucket: string;
  /** The OSS endpoint the pod's ossfs mounts. */
  ossEndpoint: string;
  auth: DrillOssAuth;
  specs: string;
  sampleRepos: number;
  /** DRILL_TIMEOUT_MINUTES in seconds: how long the pod may take. */
  timeoutSec: number;
  /** The worker's own deadline: the drill stops following early enough to clean up and tell. */
  deadline: Date;
  runKey: string;
  runbookBase?: string;
  pollMs?: number;
  cleanupWaitMs?: number;
  graceSeconds?: number;
  /** Time kept back before the worker's deadline to delete and tell (default cleanupWaitMs + 30 s). */
  reserveMs?: number;
}

/** A dry run's answer: what a drill would do now. */
export interface DrillPlan {
  backup?: string;
  gitlabVersion?: string;
  image?: string;
  preconditions: CheckResult[];
  objects: string[];
  extraStorageGiB?: number;
  /** Drill objects an earlier run left (a real run removes them first). */
  leaked: string[];
  cause?: string;
}

const names = (xs: readonly DrillObject[]): string[] => xs.map((x) => `${x.kind}/${x.name}`);
const pre = (id: string, o: { status: CheckResult['status']; detail: string; fix?: string }): CheckResult => ({ id, service: 'oss', ...o, elapsedMs: 0 });

/**
 * One restore drill (docs/adr/0026): remove what an earlier drill leaked (found by label, past its deadline) → the
 * newest verified backup (or the named one) and its preconditions → two read-only OSS volumes (static CSI PV/PVC) and
 * a throwaway ECI pod running the backup's exact GitLab image with the drill script as its command → follow it to
 * its end or the deadline → compare its counts with the live instance → ALWAYS delete the pod, claims and volumes →
 * store the report beside the verified record → tell every channel. FC's retry after a message that reached no
 * channel tells it again from the run record; it never drills twice.
 */
export async function runDrill(d: DrillDeps, o: DrillOptions): Promise<{ report?: DrillReport; plan?: DrillPlan; replayed?: boolean }> {
  const t0 = d.clock.now();
  const runbook = runbookLink(o.runbookBase, 'restore-drill');
  if (!o.dryRun) {
    const run = await readDrillRun(d.oss, o.prefixes.ossPrefix, o.runKey).catch(() => undefined);
    if (run?.told) return { report: run.report, replayed: true };
    if (run) return { report: await tellDrill(d, o, run.report, true) };
  }
  const leaked = await step(d, 'leaked', () => listDrillObjects(d.kube, o.namespace), (x) => `${x.length} found`);
  const running = leaked.filter((x) => x.deadline && x.deadline.getTime() > t0.getTime());
  const report = (r: Partial<DrillReport> & { cleanup?: DrillReport['cleanup'] }): DrillReport => {
    const t1 = d.clock.now();
    return { backup: '', gitlabVersion: '', result: 'failed', rtoSeconds: null, checks: [], counts: null, runbook, startedAt: t0.toISOString(), finishedAt: t1.toISOString(), wallSeconds: Math.round((t1.getTime() - t0.getTime()) / 100) / 10, cleanup: { deleted: [], leftover: [], leaked: [] }, ...r };
  };
  if (running.length && !o.dryRun) {
    const p = running.find((x) => x.kind === 'Pod') ?? running[0]!;
    return { report: await tellDrill(d, o, report({ step: 'busy', cause: `another drill is running (${p.kind}/${p.name} until ${p.deadline!.toISOString()}): one drill at a time`, fix: drillFix('busy') })) };
  }
  const cleaned = o.dryRun || !leaked.length ? { deleted: [], leftover: [] } : await step(d, 'cleanup-leaked', () => deleteDrillObjects(d, leaked, { waitMs: o.cleanupWaitMs ?? 90_000, ...(o.graceSeconds !== undefined ? { graceSeconds: o.graceSeconds } : {}) }), (x) => `${x.deleted.length} removed`);
  const cleanup = { deleted: [] as string[], leftover: cleaned.leftover, leaked: cleaned.deleted };

  const picked = await step(d, 'pick', async () => {
    // One listing of the prefixes per drill: the newest verified backup and its facts are read from the same one.
    const listed = await listBackupObjects(d.oss, o.prefixes);
    const name = o.backup ?? (await newestVerifiedBackup(d.oss, o.prefixes, listed));
    return name ? { name, facts: await readBackupFacts(d.oss, o.prefixes, name, listed) } : undefined;
  }, (x) => x?.name ?? 'none');
  if (!picked) {
    const cause = 'no OSS-verified backup to drill';
    if (o.dryRun) return { plan: { preconditions: [], objects: [], leaked: names(leaked), cause } };
    return { report: await tellDrill(d, o, report({ step: 'preconditions', cause, fix: drillFix('preconditions'), cleanup })) };
  }
  const f = picked.facts;
  const where = `oss://${o.bucket}/${o.prefixes.ossPrefix}`;
  const preconditions = [pre('backup.verified', verifiedCheck(f, where)), pre('backup.config', configCheck(f)), pre('backup.version', backupVersionCheck(f))];
  const image = f.gitlabVersion ? gitlabImage(f.gitlabVersion) : undefined;
  const bad = preconditions.find((c) => c.status === 'failed') ?? (image ? undefined : pre('backup.version', { status: 'failed', detail: `no GitLab image for version ${f.gitlabVersion}`, fix: 'the backup\'s gitlabVersion must be MAJOR.MINOR.PATCH, with -ee or -ce if any (its manifest): drill another backup' }));
  const checks = preconditions.map((c) => ({ id: c.id, status: c.status === 'failed' ? ('failed' as const) : ('ok' as const), detail: c.detail }));
  const id = runKeyHash(`drill/${o.runKey}`).slice(0, 6);
  const n = drillNames(id);
  const base = { backup: f.name, gitlabVersion: f.gitlabVersion ?? '', checks, cleanup };
  const extra = extraStorageGiB(f.archive?.size ?? 0);
  if (o.dryRun) return { plan: { backup: f.name, ...(f.gitlabVersion ? { gitlabVersion: f.gitlabVersion } : {}), ...(image ? { image } : {}), preconditions, objects: [`Pod/${n.pod}`, `PersistentVolumeClaim/${n.backupVolume}`, `PersistentVolumeClaim/${n.configVolume}`, `PersistentVolume/${n.backupVolume}`, `PersistentVolume/${n.configVolume}`], extraStorageGiB: extra, leaked: names(leaked), ...(bad ? { cause: `${bad.id}: ${bad.detail}` } : {}) } };
  if (bad) return { report: await tellDrill(d, o, report({ ...base, step: 'preconditions', cause: `${bad.id}: ${bad.detail}`, fix: bad.fix ?? drillFix('preconditions') })) };

  // An /etc/gitlab archive from before BACKUP_CONFIG_PREFIX is on the data volume (the script reads its layout).
  const besideData = (c: RestoreScriptConfig): RestoreScriptConfig => (f.config?.beside ? withConfigBesideData(c) : c);
  // Stop following early enough to delete everything and tell, whichever deadline comes first.
  const reserve = o.reserveMs ?? (o.cleanupWaitMs ?? 90_000) + 30_000;
  const until = new Date(Math.min(t0.getTime() + o.timeoutSec * 1000, o.deadline.getTime() - reserve));
  const podSeconds = Math.max(60, Math.floor((until.getTime() - d.clock.now().getTime()) / 1000));
  const spec: DrillSpec = {
    id, namespace: o.namespace, backup: f.name, image: image!, specs: o.specs, extraStorageGiB: extra, deadline: until, activeSeconds: podSeconds + 60,
    script: renderRestoreScript(besideData(drillScriptConfig({ backupName: f.name, expectVersion: f.gitlabVersion!, ...(f.archive?.sha256 ? { archiveSha256: f.archive.sha256 } : {}), timeoutSec: podSeconds, sampleRepos: o.sampleRepos }))),
    oss: { bucket: o.bucket, endpoint: o.ossEndpoint, dataPrefix: o.prefixes.ossPrefix, configPrefix: o.prefixes.configPrefix ?? o.prefixes.ossPrefix, auth: o.auth },
    capacity: volumeCapacity(f.archive?.size ?? 0),
  };
  const pod = { name: n.pod, namespace: o.namespace, image: spec.image, specs: spec.specs, extraStorageGiB: extra };
  let out: PodOutcome;
  let compared: Awaited<ReturnType<typeof compareLive>> | undefined;
  try {
    await step(d, 'create', async () => {
      for (const w of ['backup', 'config'] as const) await d.kube.createPersistentVolume(drillVolume(spec, w));
      for (const w of ['backup', 'config'] as const) await d.kube.createPersistentVolumeClaim(drillClaim(spec, w));
      await d.kube.createPod(drillPod(spec));
    });
    const followed = await step(d, 'follow', () => followPod(d, { namespace: o.namespace, name: n.pod, deadline: until, ...(o.pollMs ? { pollMs: o.pollMs } : {}) }), (x) => x.kind);
    out = podOutcome(followed, spec.image);
    if (out.ok && out.result?.counts) {
      const counts = out.result.counts;
      compared = await step(d, 'compare', () => compareLive(d.gitlab, counts, f.createdAt), (x) => (x.checks.some((c) => c.status === 'failed') ? 'failed' : 'ok'));
    }
  } catch (e) {
    const err = toAppError(e);
    out = { ok: false, step: 'create', cause: `the drill's objects could not be made or followed: ${err.message}`, fix: drillFix('create'), checks: [], rtoSeconds: null };
  } finally {
    const del = await step(d, 'delete', () => cleanupDrill(d, o.namespace, id, { waitMs: o.cleanupWaitMs ?? 90_000, ...(o.graceSeconds !== undefined ? { graceSeconds: o.graceSeconds } : {}) }), (x) => (x.leftover.length ? 'leftover' : 'ok'));
    cleanup.deleted = del.deleted;
    cleanup.leftover = [...cleanup.leftover, ...del.leftover];
  }
  const cmp = compared?.checks.find((c) => c.status === 'failed');
  const passed = out.ok && !cmp;
  const r = report({
    ...base, pod: { ...pod, ...(out.phase ? { phase: out.phase } : {}), ...(out.spec ? { spec: out.spec } : {}) },
    result: passed ? 'passed' : 'failed', rtoSeconds: passed ? out.rtoSeconds : null,
    checks: [...checks, ...out.checks, ...(compared?.checks ?? [])], counts: compared?.counts ?? null,
    ...(out.result ? { timingsMs: out.result.timingsMs } : {}), ...(out.scriptSeconds !== undefined ? { scriptSeconds: out.scriptSeconds } : {}),
    ...(passed ? {} : cmp && out.ok ? { step: 'compare', cause: `${cmp.id}: ${cmp.detail}`, fix: drillFix('compare') } : { step: out.step, cause: out.cause, ...(out.fix ? { fix: out.fix } : {}), ...(out.logTail ? { logTail: out.logTail } : {}) }),
  });
  return { report: await tellDrill(d, o, r, false) };
}
