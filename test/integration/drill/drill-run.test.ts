import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '#shared/notify/index';
import { drillClaim, drillPod, drillVolume, type DrillSpec } from '#shared/drill/drill-manifests';
import type { KubeObject } from '#local/kube/index';
import { BUCKET, configPrefixOf, prefixOf } from '../backup/harness';
import { makePre0022Config } from '../restore/harness';
import { DRILL_NS, startDrillBed, type DrillBed } from './harness';

/** A tar cut in the middle of its largest member's data: what GNU tar cannot unpack ("Unexpected EOF in archive"). */
function truncated(tar: Buffer): Buffer {
  let best = { at: 0, size: 0 };
  for (let off = 0; off + 512 <= tar.length && tar[off] !== 0;) {
    const size = parseInt(tar.subarray(off + 124, off + 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    if (size > best.size) best = { at: off + 512, size };
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return tar.subarray(0, best.at + Math.floor(best.size / 2));
}

describe('restore drill against the OSS, ECS, Kubernetes (kubelet), GitLab and DirectMail emulators', () => {
  let bed: DrillBed;
  beforeAll(async () => {
    bed = await startDrillBed();
  });
  afterAll(() => bed?.close());

  it('backup → drill → passed: RTO measured, GitLab\'s checks, counts equal to the live instance; the report stored and told; nothing left', async () => {
    const name = await bed.backup();
    const calls = bed.oss.calls.length;
    const { report } = await bed.drill();
    const r = report!;
    // The backups are listed once per drill (ListObjectsV2 of the data prefix and of BACKUP_CONFIG_PREFIX): the pick
    // of the newest verified backup and its facts share that listing.
    expect(bed.oss.calls.slice(calls).filter((c) => c.method === 'GET' && c.key === '')).toHaveLength(2);
    expect(r, r.cause).toMatchObject({ backup: name, gitlabVersion: '17.5.1-ee', result: 'passed', pod: { image: 'gitlab/gitlab-ee:17.5.1-ee.0', namespace: DRILL_NS } });
    // RTO = pod created → doctor done: at least the script's own steps up to doctor (rounded to 0.1 s), at most the
    // drill's wall time (which also holds the worker's steps, the polling and the clean-up).
    const stepsUpToDoctor = Object.entries(r.timingsMs!).slice(0, Object.keys(r.timingsMs!).indexOf('doctor') + 1).reduce((t, [, ms]) => t + ms, 0) / 1000;
    expect(r.rtoSeconds).toBeGreaterThanOrEqual(stepsUpToDoctor - 0.05);
    expect(r.rtoSeconds).toBeLessThanOrEqual(r.wallSeconds);
    expect(r.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(r.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['backup.verified', 'pod', 'restore', 'gitlab:check', 'gitlab:doctor:secrets', 'counts.projects', 'counts.users', 'counts.groups']));
    expect(r.checks.filter((c) => c.id.startsWith('head ')).length).toBe(2);
    expect(r.counts).toMatchObject({ projects: { restored: 3, live: 3 }, groups: { restored: 2, live: 2 }, users: { restored: expect.any(Number) } });
    expect(r.counts!.users.restored).toBe(r.counts!.users.live);
    expect(r.counts!.repositories.every((x) => x.status === 'ok' && x.restored === x.live)).toBe(true);
    expect(Object.keys(r.timingsMs!)).toEqual(['params', 'prepare', 'boot', 'fetch', 'stop', 'restore', 'config', 'reconfigure', 'restart', 'check', 'doctor', 'counts']);
    expect(r.stored).toBe(`${prefixOf(bed.host)}verified/${name}.drill.json`);
    expect(JSON.parse(readFileSync(join(bed.oss.bucketDir(BUCKET), r.stored!), 'utf8'))).toMatchObject({ result: 'passed', rtoSeconds: r.rtoSeconds });
    expect(bed.dm.outbox.at(-1)!.subject).toMatch(/^✅ OK restore-drill .*: restorable, RTO /);
    expect(r.cleanup.deleted.sort()).toEqual([`pod/${r.pod!.name}`, `pv/${r.pod!.name}-backup`, `pv/${r.pod!.name}-config`, `pvc/${r.pod!.name}-backup`, `pvc/${r.pod!.name}-config`].sort());
    expect(bed.left()).toEqual({ objects: [], processes: [] });
  });

  it('a corrupted archive on OSS: failed at fetch (its sha256 is not the verified one); the pod and volumes are gone', async () => {
    const name = await bed.backup();
    writeFileSync(join(bed.oss.bucketDir(BUCKET), prefixOf(bed.host), `${name}_gitlab_backup.tar`), 'not the archive any more');
    const { report } = await bed.drill({ backup: name });
    expect(report).toMatchObject({ backup: name, result: 'failed', step: 'fetch', rtoSeconds: null });
    expect(report!.cause).toMatch(/step "fetch" failed: .*sha256 .*the verified record says/);
    expect(report!.checks.find((c) => c.id === 'restore')).toMatchObject({ status: 'failed' });
    expect(bed.dm.outbox.at(-1)!.subject).toMatch(/^❌ FAIL restore-drill .*: failed at fetch/);
    expect(bed.left()).toEqual({ objects: [], processes: [] });
  });

  it('a truncated archive whose manifest matches it (the sha256 at fetch passes): failed at restore, where tar fails, with GitLab\'s words; cleaned up', async () => {
    const name = await bed.backup();
    const dir = join(bed.oss.bucketDir(BUCKET), prefixOf(bed.host));
    const archive = join(dir, `${name}_gitlab_backup.tar`);
    const cut = truncated(readFileSync(archive));
    expect(spawnSync('tar', ['-tf', '-'], { input: cut }).status, 'tar must fail on the cut archive').not.toBe(0);
    writeFileSync(archive, cut);
    const manifestKey = join(dir, `${name}_gitlab_backup.manifest.json`);
    const manifest = JSON.parse(readFileSync(manifestKey, 'utf8')) as { files: Array<{ kind: string; size: number; sha256: string }> };
    for (const f of manifest.files.filter((x) => x.kind === 'archive')) Object.assign(f, { size: cut.length, sha256: createHash('sha256').update(cut).digest('hex') });
    writeFileSync(manifestKey, JSON.stringify(manifest));
    const { report } = await bed.drill({ backup: name });
    expect(report, report?.cause).toMatchObject({ backup: name, result: 'failed', step: 'restore', rtoSeconds: null });
    expect(report!.cause).toMatch(/^step "restore" failed: gitlab-backup restore exited with 1; GitLab said: .*Unpacking backup failed/);
    expect(report!.timingsMs).toHaveProperty('fetch');
    expect(report!.checks.find((c) => c.id === 'restore')).toMatchObject({ status: 'failed', detail: expect.stringContaining('Unpacking backup failed') });
    expect(bed.dm.outbox.at(-1)!.subject).toMatch(/^❌ FAIL restore-drill .*: failed at restore/);
    expect(bed.left()).toEqual({ objects: [], processes: [] });
    await bed.backup(); // the newest verified backup is a whole one again
  });

  it('a backup whose /etc/gitlab archive predates BACKUP_CONFIG_PREFIX (next to the data, top-level files): read from the data volume; passed', async () => {
    const name = await bed.backup();
    makePre0022Config(bed.oss.bucketDir(BUCKET), prefixOf(bed.host), configPrefixOf(bed.host), name);
    const { report } = await bed.drill({ backup: name });
    expect(report!.result, report!.cause).toBe('passed');
    expect(report!.checks.find((c) => c.id === 'backup.config')).toMatchObject({ status: 'ok', detail: expect.stringContaining('next to the data') });
    expect(report!.checks.find((c) => c.id === 'gitlab:doctor:secrets')).toMatchObject({ status: 'ok' });
    expect(bed.left()).toEqual({ objects: [], processes: [] });
  });

  it('GitLab\'s version mismatch in the pod: failed at restore with GitLab\'s words; cleaned up', async () => {
    await bed.backup();
    bed.pods.versionShift = true;
    try {
      const { report } = await bed.drill();
      expect(report).toMatchObject({ result: 'failed', step: 'restore' });
      expect(report!.cause).toMatch(/GitLab version mismatch/);
    } finally {
      bed.pods.versionShift = false;
    }
    expect(bed.left()).toEqual({ objects: [], processes: [] });
  });

  it('an image that cannot be pulled: failed at image (ImagePullBackOff), with the fix; cleaned up', async () => {
    await bed.backup();
    bed.pods.imagePull = true;
    try {
      const { report } = await bed.drill();
      expect(report).toMatchObject({ result: 'failed', step: 'image' });
      expect(report!.cause).toMatch(/^ImagePullBackOff: Back-off pulling image "gitlab\/gitlab-ee:17\.5\.1-ee\.0"/);
      expect(report!.fix).toMatch(/Docker Hub/);
    } finally {
      bed.pods.imagePull = false;
    }
    expect(bed.left()).toEqual({ objects: [], processes: [] });
  });

  it('the worker\'s deadline passes while the pod restores: failed at deadline, the running pod deleted with its volumes', async () => {
    await bed.backup();
    bed.pods.restoreSeconds = 60;
    try {
      const { report } = await bed.drill({ deadline: new Date(Date.now() + 3_000), reserveMs: 0 });
      expect(report).toMatchObject({ result: 'failed', step: 'deadline', pod: { phase: 'Running' } });
      expect(report!.cleanup.deleted).toContain(`pod/${report!.pod!.name}`);
    } finally {
      delete bed.pods.restoreSeconds;
    }
    expect(bed.left()).toEqual({ objects: [], processes: [] });
  });

  /** A drill's objects as its worker left them when it died (made as that drill made them), deadline `at`. */
  const leave = (id: string, at: Date): void => {
    const spec: DrillSpec = {
      id, namespace: DRILL_NS, backup: 'x', image: 'gitlab/gitlab-ee:17.5.1-ee.0', script: 'sleep 600', specs: '8-16Gi', extraStorageGiB: 0, deadline: at, activeSeconds: 600,
      oss: { bucket: BUCKET, endpoint: 'oss', dataPrefix: prefixOf(bed.host), configPrefix: configPrefixOf(bed.host), auth: { kind: 'secret', name: 'gitlab-ask-ops-drill-oss' } }, capacity: '1Gi',
    };
    for (const w of ['backup', 'config'] as const) bed.kubeEmu.create(drillVolume(spec, w) as KubeObject);
    for (const w of ['backup', 'config'] as const) bed.kubeEmu.create(drillClaim(spec, w) as KubeObject);
    bed.kubeEmu.create(drillPod(spec) as KubeObject);
  };

  it('objects an earlier drill leaked (its worker died) are found by label and removed by the next drill first', async () => {
    await bed.backup();
    leave('dead01', new Date(Date.now() - 60_000));
    await expect.poll(() => (bed.kubeEmu.store.get('pods', 'gitlab-ask-ops-drill-dead01', DRILL_NS)?.status as { phase?: string } | undefined)?.phase, { timeout: 10_000 }).toBe('Running');
    const { report } = await bed.drill();
    expect(report!.result, report!.cause).toBe('passed');
    expect(report!.cleanup.leaked.sort()).toEqual(['pod/gitlab-ask-ops-drill-dead01', 'pv/gitlab-ask-ops-drill-dead01-backup', 'pv/gitlab-ask-ops-drill-dead01-config', 'pvc/gitlab-ask-ops-drill-dead01-backup', 'pvc/gitlab-ask-ops-drill-dead01-config']);
    expect(bed.left()).toEqual({ objects: [], processes: [] });
  });

  it('while another drill runs (its deadline ahead), a drill refuses: one at a time; it touches nothing', async () => {
    leave('busy01', new Date(Date.now() + 600_000));
    const { report } = await bed.drill();
    expect(report).toMatchObject({ result: 'failed', step: 'busy' });
    expect(report!.cause).toMatch(/another drill is running \(Pod\/gitlab-ask-ops-drill-busy01 until/);
    expect(bed.left().objects.length).toBe(5);
    // Its deadline passes: the next drill removes it and runs.
    const past = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata.annotations as Record<string, string>), 'gitlab-ask-ops/deadline': new Date(Date.now() - 1).toISOString() } } });
    for (const o of [...bed.kubeEmu.store.list('pods', DRILL_NS), ...bed.kubeEmu.store.list('persistentvolumeclaims', DRILL_NS), ...bed.kubeEmu.store.list('persistentvolumes')]) {
      if (o.metadata.name.startsWith('gitlab-ask-ops-drill-busy01')) bed.kubeEmu.store.put(past(o));
    }
    await bed.backup();
    const next = await bed.drill();
    expect(next.report!.result, next.report!.cause).toBe('passed');
    expect(bed.left()).toEqual({ objects: [], processes: [] });
  });

  it('a failed drill whose message reaches no channel fails the invocation (FC retries the report); the retry tells it, never drills again', async () => {
    const name = await bed.backup();
    writeFileSync(join(bed.oss.bucketDir(BUCKET), prefixOf(bed.host), `${name}_gitlab_backup.tar`), 'corrupt');
    const down: Channel = { name: 'mail', send: async () => ({ channel: 'mail', ok: false, detail: 'DirectMail 503' }) };
    const runKey = `request/drill-mail-${name}`;
    await expect(bed.drill({ backup: name, runKey, channels: [down] })).rejects.toMatchObject({ code: 'MAIL', retryable: true });
    const pods = bed.kubeEmu.store.list('events', DRILL_NS).filter((e) => e.reason === 'Scheduled').length;
    const retry = await bed.drill({ backup: name, runKey });
    expect(retry.report).toMatchObject({ result: 'failed', step: 'fetch' });
    expect(bed.kubeEmu.store.list('events', DRILL_NS).filter((e) => e.reason === 'Scheduled').length).toBe(pods);
    expect(bed.dm.outbox.at(-1)!.subject).toMatch(/^❌ FAIL restore-drill/);
  });
});
