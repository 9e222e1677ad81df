import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupsCommand } from '#local/cli/commands/backups';
import type { CliCommand, CliIo } from '#local/cli/commands/index';
import { invokeCommand } from '#local/cli/commands/invoke';
import { sandboxCommand } from '#local/cli/commands/sandbox';
import { ecsSandboxPart } from '#local/ecs/sandbox-part';
import { ossSandboxPart } from '#local/oss/sandbox-part';
import { csPart } from '#local/sandbox/parts/cs-part';
import { gitlabPart } from '#local/sandbox/parts/gitlab-part';
import { createKubePart } from '#local/sandbox/parts/kube-part';
import { mailSandboxPart } from '#local/sandbox/parts/mail-part';
import { startSandbox, type Started } from '#local/start';
import { createKubePort } from '#shared/kube/index';
import { cliRunner } from '../integration/kube/cli-harness';
import { kubeBinaries } from '../integration/kube/binaries';

interface Mail {
  subject: string;
  textBody?: string;
}
type Report = Record<string, unknown> & { backup: string; result: string; step?: string; rtoSeconds: number | null; counts: Record<string, { restored: number; live: number | null }> & { repositories: unknown[] }; checks: Array<{ id: string; status: string }> };

// One sandbox per file: the worker module is loaded once and keeps its cold-start config (as in FC).
describe('e2e: restore and restore drill in the sandbox (kube with its kubelet, CS, GitLab, DirectMail, OSS, ECS)', () => {
  let s: Started;
  let dir: string;
  const bins = kubeBinaries();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-drill-'));
    const kube = createKubePart({ readyAfterMs: 20 }, { delayMs: 20 }, { startMs: 50, pullMs: 50 });
    s = await startSandbox({ env: { SANDBOX_DIR: dir, LOG_LEVEL: 'warn', WEBHOOK_SECRET: 'drill' }, port: 0, timers: false, parts: [kube, csPart, gitlabPart, mailSandboxPart, ossSandboxPart, ecsSandboxPart], retryBaseMs: 200, out: () => undefined });
  });
  afterAll(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function cli(cmd: CliCommand, args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => '', env: { SANDBOX_DIR: dir }, cwd: process.cwd() };
    const code = await cmd.run(args, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const invoke = async <R = Record<string, unknown>>(event: object) => {
    const r = await cli(invokeCommand, ['ops-worker', '--event', JSON.stringify(event)]);
    return { code: r.code, result: JSON.parse(r.out) as { status: string; summary: string; report: R } };
  };
  /** The outbox, oldest first (the page lists the newest first). */
  const outbox = async (): Promise<Mail[]> => ((await (await fetch(s.sandbox.urls['outbox.json']!)).json()) as { mails: Mail[] }).mails.reverse();
  const kubeconfig = (): string => readFileSync(join(dir, 'kubeconfig'), 'utf8');
  const kubectl = async (...args: string[]) => cliRunner(kubeconfig())(bins.kubectl!, args);
  /** Every backup object of the sandbox bucket → its content hash (the emulated OSS keeps objects as files). */
  const bucketObjects = (): Record<string, string> => {
    const root = join(dir, 'oss');
    const out: Record<string, string> = {};
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else {
          const key = p.slice(root.length + 1);
          // The emulator's own metadata and the worker's run records (runs/*.json) are not what a pod could reach.
          if (!key.startsWith('.oss-meta/') && !key.includes('/runs/')) out[key] = createHash('sha256').update(readFileSync(p)).digest('hex');
        }
      }
    };
    walk(root);
    return out;
  };
  /** Drill pods in the cluster, as the administrator sees them. */
  const drillPods = async (): Promise<number> => (await createKubePort({ kubeconfigYaml: kubeconfig() }).listPods('gitlab-ask-ops-drill')).length;

  it('the sandbox names the restore faults', async () => {
    const r = await cli(sandboxCommand, ['fault', '--list']);
    for (const n of ['drill-image-pull', 'restore-fails', 'version-mismatch']) expect(r.out).toMatch(new RegExp(`^○ ${n} `, 'm'));
  });

  let name = '';
  it('backup → restore-drill → passed: RTO > 0, counts equal to the live GitLab, ✅ on every channel, no pod left; ops backups shows the drill', async () => {
    const b = await invoke<{ name: string }>({ action: 'backup' });
    expect(b.code, b.result.summary).toBe(0);
    name = b.result.report.name;
    const before = (await outbox()).length;
    const objects = bucketObjects();
    const { code, result } = await invoke<Report>({ action: 'restore-drill' });
    expect(code, result.summary).toBe(0);
    const r = result.report;
    expect(r).toMatchObject({ backup: name, gitlabVersion: '17.5.1-ee', result: 'passed' });
    expect(r.rtoSeconds).toBeGreaterThan(0);
    for (const k of ['projects', 'users', 'groups']) expect(r.counts[k]!.restored, k).toBe(r.counts[k]!.live);
    expect(r.counts.projects!.restored).toBeGreaterThan(3);
    expect(r.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    const mails = (await outbox()).slice(before);
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/✅ OK restore-drill .*: restorable, RTO /)]);
    expect(await drillPods()).toBe(0);
    // The pod mounts the backup read-only (on ASK a write is EROFS; the emulated mount would let it through): nothing
    // it could reach changed, and the only new object is the drill's report, which the worker writes.
    const after = bucketObjects();
    expect(Object.keys(after).filter((k) => !(k in objects))).toEqual([`gitlab-backups/gitlab-backups/verified/${name}.drill.json`]);
    expect(Object.fromEntries(Object.keys(objects).map((k) => [k, after[k]]))).toEqual(objects);
    const listed = await cli(backupsCommand, []);
    expect(listed.out).toMatch(new RegExp(`${name} .*drill: passed \\(RTO [0-9.]+ s\\)`));
    const json = JSON.parse((await cli(backupsCommand, ['--json'])).out) as { backups: Array<{ name: string; drill?: { result: string } }> };
    expect(json.backups.find((x) => x.name === name)?.drill?.result).toBe('passed');
  });

  it('drill-image-pull (set through the CLI): failed at image with ImagePullBackOff, ❌, no pod left', async () => {
    expect((await cli(sandboxCommand, ['fault', 'drill-image-pull', '--times', '1'])).code).toBe(0);
    const { code, result } = await invoke<Report>({ action: 'restore-drill' });
    expect(code).toBe(1);
    expect(result.report).toMatchObject({ result: 'failed', step: 'image' });
    expect((await outbox()).at(-1)!.subject).toMatch(/❌ FAIL restore-drill .*: failed at image/);
    expect(await drillPods()).toBe(0);
    expect((await cli(sandboxCommand, ['fault', '--list'])).out).not.toContain('ACTIVE');
  });

  it('a corrupted archive on OSS: the drill of it fails naming the step; the pod is gone', async () => {
    const b = await invoke<{ name: string }>({ action: 'backup' });
    const corrupt = b.result.report.name;
    writeFileSync(join(dir, 'oss', 'gitlab-backups', 'gitlab-backups', `${corrupt}_gitlab_backup.tar`), 'truncated');
    const { code, result } = await invoke<Report>({ action: 'restore-drill', backup: corrupt });
    expect(code).toBe(1);
    expect(result.report).toMatchObject({ backup: corrupt, result: 'failed', step: 'fetch' });
    expect(await drillPods()).toBe(0);
  });

  it.runIf(Boolean(bins.kubectl))('kubectl sees no drill pod or volume left', async () => {
    expect((await kubectl('get', 'pods', '-n', 'gitlab-ask-ops-drill')).stderr).toMatch(/No resources found/);
    expect((await kubectl('get', 'pv', '-l', 'app.kubernetes.io/component=restore-drill')).stderr).toMatch(/No resources found/);
  });

  it('restore: unconfirmed is refused (exit 1) and runs nothing; confirmed it restores the verified backup on the host, every step, ✅', async () => {
    const refused = await invoke<{ status: string; step: string }>({ action: 'restore', backup: name });
    expect(refused.code).toBe(1);
    expect(refused.result.report).toMatchObject({ status: 'refused', step: 'confirm' });
    const before = (await outbox()).length;
    const { code, result } = await invoke<{ status: string; timingsMs: Record<string, number> }>({ action: 'restore', backup: name, confirm: name });
    expect(code, result.summary).toBe(0);
    expect(result.report.status).toBe('restored');
    expect(Object.keys(result.report.timingsMs)).toContain('doctor');
    expect((await outbox()).slice(before).map((m) => m.subject)).toEqual([expect.stringMatching(/✅ OK restore /)]);
  });

  it('version-mismatch: the restore is refused before the restore script is sent', async () => {
    await cli(sandboxCommand, ['fault', 'version-mismatch']);
    try {
      const { code, result } = await invoke<{ status: string; cause: string }>({ action: 'restore', backup: name, confirm: name });
      expect(code).toBe(1);
      expect(result.report).toMatchObject({ status: 'refused' });
      expect(result.report.cause).toMatch(/17\.5\.1-ee.*17\.5\.2-ee/);
    } finally {
      await cli(sandboxCommand, ['fault', 'clear', 'version-mismatch']);
    }
  });
});
