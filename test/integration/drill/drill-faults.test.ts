import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitlabPort } from '#shared/gitlab/api/index';
import { drillFix } from '#shared/drill/drill-fix';
import type { RestoreFailPoint } from '#local/ecs/host-faults-types';
import { BUCKET, prefixOf } from '../backup/harness';
import { DRILL_NS, startDrillBed, type DrillBed } from './harness';

describe('restore drill: faults where they happen, and what the comparison says without an admin token', () => {
  let bed: DrillBed;
  beforeAll(async () => {
    bed = await startDrillBed();
    await bed.backup();
  });
  afterAll(() => bed?.close());

  // A reconfigure that fails in a drill fails its first one: the pod's boot (the image's wrapper step).
  const steps: Array<[RestoreFailPoint, string]> = [['restore', 'restore'], ['stop', 'stop'], ['reconfigure', 'boot'], ['restart', 'restart'], ['check', 'check'], ['doctor', 'doctor']];
  it.each(steps)('restore-fails %s: the drill fails naming step %s; nothing left', async (point, step) => {
    bed.pods.restoreFails = point;
    try {
      const { report } = await bed.drill();
      expect(report, report?.cause).toMatchObject({ result: 'failed', step, rtoSeconds: null });
      expect(report!.cause).toContain(`step "${step}" failed`);
      // What to do about it, and the pod's log lines that fix points at, on every channel (never "fix: —").
      expect(report!.fix).toBe(drillFix(step, report!.pod!.image));
      expect(report!.logTail!.join('\n')).toContain(`[${step}] FAILED`);
      const mail = bed.dm.outbox.at(-1)!.textBody;
      expect(mail).toContain(report!.fix);
      expect(mail).toContain(`[${step}] FAILED`);
      expect(mail).not.toMatch(/fix: —/);
    } finally {
      delete bed.pods.restoreFails;
    }
    expect(bed.left()).toEqual({ objects: [], processes: [] });
  });

  it('the cluster refuses the clean-up (listing by label, one volume\'s delete): the rest is deleted by its known names; both refusals are reported as left over', async () => {
    const forbidden = (verb: string, resource: string) => ({ status: 403, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: `${resource} is forbidden: User "300000000000000077" cannot ${verb} resource "${resource}" in API group ""` } });
    bed.pods.restoreSeconds = 1;
    const off: Array<() => void> = [];
    try {
      const running = bed.drill({ cleanupWaitMs: 1_500 });
      // Only the clean-up's listing fails: the faults go in once the drill's pod exists (its leak listing is done).
      await expect.poll(() => bed.kubeEmu.store.list('pods', DRILL_NS).length, { timeout: 10_000, interval: 20 }).toBe(1);
      off.push(bed.kubeEmu.faults.add({ method: 'GET', path: `^/api/v1/namespaces/${DRILL_NS}/persistentvolumeclaims$`, ...forbidden('list', 'persistentvolumeclaims') }));
      off.push(bed.kubeEmu.faults.add({ method: 'DELETE', path: '^/api/v1/persistentvolumes/gitlab-ask-ops-drill-[a-z0-9]+-config$', ...forbidden('delete', 'persistentvolumes') }));
      const r = (await running).report!;
      const pod = r.pod!.name;
      expect(r.result, r.cause).toBe('passed');
      expect(r.cleanup.deleted.sort()).toEqual([`pod/${pod}`, `pv/${pod}-backup`, `pvc/${pod}-backup`, `pvc/${pod}-config`]);
      // The refused delete says why (the RBAC verb a fix must grant), not only what is still there.
      expect(r.cleanup.leftover).toEqual([
        expect.stringMatching(new RegExp(`^pv/${pod}-config: .*persistentvolumes is forbidden.*cannot delete`)),
        expect.stringMatching(/^listing drill objects by label failed \(.*persistentvolumeclaims is forbidden.*\): only the known names were deleted$/),
      ]);
      expect(bed.dm.outbox.at(-1)!.textBody).toMatch(new RegExp(`STILL THERE \\(the next drill tries again; a refusal names the RBAC verb to grant\\): pv/${pod}-config: .*cannot delete`));
      expect(bed.left().objects).toEqual([`PersistentVolume/${pod}-config`]);
      for (const f of off.splice(0)) f();
      await bed.kube.deletePersistentVolume(`${pod}-config`);
      await expect.poll(() => bed.left(), { timeout: 10_000 }).toEqual({ objects: [], processes: [] });
    } finally {
      for (const f of off) f();
      delete bed.pods.restoreSeconds;
    }
  });

  it('without an administrator\'s token the counts are skipped with the reason; HEADs are still compared; the drill passes', async () => {
    const plain = bed.gl.mintToken({ scopes: ['read_api'], memberships: { demo: 'reporter', ops: 'reporter' } });
    const r = (await bed.drill({ gitlab: createGitlabPort({ url: bed.gl.url, token: plain, attempts: 1 }) })).report!;
    expect(r.result, r.cause).toBe('passed');
    for (const k of ['projects', 'users', 'groups']) {
      expect(r.checks.find((c) => c.id === `counts.${k}`)).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/live not compared: the token is not an administrator's \(set DRILL_GITLAB_TOKEN/) });
    }
    expect(r.counts).toMatchObject({ projects: { restored: 3, live: null } });
    expect(r.checks.filter((c) => c.id.startsWith('head ')).every((c) => c.status === 'ok')).toBe(true);
  });

  it('the live instance moved on since the backup (a new commit): the HEAD is known live, so ok; the drill passes', async () => {
    await bed.backup();
    bed.gl.push('demo/app', { branch: 'main', files: { 'new.txt': 'after the backup' }, message: 'after the backup' });
    bed.gl.push('demo/lib', { branch: 'main', files: { 'new.txt': 'after the backup' }, message: 'after the backup' });
    const r = (await bed.drill({ sampleRepos: 3 })).report!;
    expect(r.result, r.cause).toBe('passed');
    const moved = r.checks.filter((c) => c.id.startsWith('head ') && /moved on/.test(c.detail));
    expect(moved.length).toBeGreaterThan(0);
  });
});

describe('20 drills with random faults', () => {
  let bed: DrillBed;
  beforeAll(async () => {
    bed = await startDrillBed();
  });
  afterAll(() => bed?.close());

  it('leave 0 pods (and 0 claims, volumes, processes) behind, whatever happened', async () => {
    // A seeded pseudo-random sequence (DRILL_STORM_SEED): the same faults in the same order on every run of the test.
    let a = Number(process.env.DRILL_STORM_SEED ?? 9) >>> 0;
    const rand = (n: number): number => {
      // mulberry32
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    const kinds = ['none', 'image', 'version', 'restore', 'stop', 'reconfigure', 'restart', 'check', 'doctor', 'corrupt', 'deadline'] as const;
    const results: string[] = [];
    await bed.backup();
    for (let i = 0; i < 20; i++) {
      const k = kinds[rand(kinds.length)]!;
      let name: string | undefined;
      if (k === 'image') bed.pods.imagePull = true;
      if (k === 'version') bed.pods.versionShift = true;
      if (['restore', 'stop', 'reconfigure', 'restart', 'check', 'doctor'].includes(k)) bed.pods.restoreFails = k as RestoreFailPoint;
      if (k === 'deadline') bed.pods.restoreSeconds = 60;
      if (k === 'corrupt') {
        name = await bed.backup();
        writeFileSync(join(bed.oss.bucketDir(BUCKET), prefixOf(bed.host), `${name}_gitlab_backup.tar`), 'corrupt');
      }
      try {
        const { report } = await bed.drill({ ...(name ? { backup: name } : {}), ...(k === 'deadline' ? { deadline: new Date(Date.now() + 2_000), reserveMs: 0 } : {}) });
        results.push(`${k}:${report!.result}${report!.step ? `@${report!.step}` : ''}`);
        expect(report!.result, `${k}: ${report!.cause}`).toBe(k === 'none' ? 'passed' : 'failed');
      } finally {
        for (const f of ['imagePull', 'versionShift', 'restoreFails', 'restoreSeconds'] as const) delete bed.pods[f];
      }
      if (k === 'corrupt') await bed.backup(); // the newest verified backup is a good one again
      expect(bed.left(), `after drill ${i + 1} (${k})`).toEqual({ objects: [], processes: [] });
    }
    expect(results).toHaveLength(20);
    // The figure: pods (and every other drill object) left after 20 drills with random faults.
    const pods = bed.kubeEmu.store.list('pods').length;
    console.log(`drill storm (seed ${process.env.DRILL_STORM_SEED ?? 9}): ${results.join(', ')}; pods left: ${pods}`);
    expect(pods).toBe(0);
    expect(new Set(results.map((r) => r.split(':')[0])).size).toBeGreaterThan(5);
  });
});
