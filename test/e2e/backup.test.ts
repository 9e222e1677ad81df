import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupsCommand } from '#local/cli/commands/backups';
import type { CliCommand, CliIo } from '#local/cli/commands/index';
import { invokeCommand } from '#local/cli/commands/invoke';
import { sandboxCommand } from '#local/cli/commands/sandbox';
import { ecsSandboxPart } from '#local/ecs/sandbox-part';
import { ossSandboxPart } from '#local/oss/sandbox-part';
import { mailSandboxPart } from '#local/sandbox/parts/mail-part';
import { startSandbox, type Started } from '#local/start';
import { backupRunName, commandNameFor, createEcsPort, ECS_API_VERSION } from '#shared/backup/index';
import { createOssPort } from '#shared/cloud/oss/index';
import { createRpcClient } from '#shared/cloud/pop/index';

interface Mail {
  subject: string;
  textBody?: string;
}

interface Result {
  status: string;
  summary: string;
  report: Record<string, unknown> & { name: string; retention?: { pruned: Array<{ name: string }> }; backupsKept?: number };
}

// One sandbox per file: the worker module is loaded once and keeps its cold-start config (as in FC). Retention keeps
// the 3 newest verified backups and nothing for its age (BACKUP_KEEP_DAYS=0, as `BACKUP_KEEP_DAYS=0 npm start`): with
// the default 7 days, nothing minutes old is ever prunable, and no test here could see retention delete too much.
describe('e2e: backups that survive bad nights (sandbox: DirectMail + OSS + ECS parts, CLI, FC async queue)', () => {
  let s: Started;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-backup-'));
    s = await startSandbox({ env: { SANDBOX_DIR: dir, LOG_LEVEL: 'warn', BACKUP_KEEP_DAYS: '0', BACKUP_KEEP_MIN: '3' }, port: 0, timers: false, parts: [mailSandboxPart, ossSandboxPart, ecsSandboxPart], retryBaseMs: 500, out: () => undefined });
  });
  afterAll(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** `npm run -s ops -- <command> …` in-process against this sandbox: exit code and stdout. */
  async function cli(cmd: CliCommand, args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => '', env: { SANDBOX_DIR: dir }, cwd: process.cwd() };
    const code = await cmd.run(args, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const invoke = async (event: object) => {
    const r = await cli(invokeCommand, ['ops-worker', '--event', JSON.stringify(event)]);
    return { code: r.code, result: JSON.parse(r.out) as Result };
  };
  /** Every object key in the backup bucket (listing is allowed under oss-read: oss:ListObjects is its own action). */
  const bucketKeys = async (): Promise<string[]> => {
    const e = s.sandbox.env;
    const oss = createOssPort({ bucket: e.OSS_BUCKET!, region: e.OSS_REGION!, endpoint: e.OSS_ENDPOINT!, credentials: () => ({ accessKeyId: e.ALIBABA_CLOUD_ACCESS_KEY_ID!, accessKeySecret: e.ALIBABA_CLOUD_ACCESS_KEY_SECRET!, securityToken: e.ALIBABA_CLOUD_SECURITY_TOKEN! }) });
    return (await oss.list('')).map((o) => o.key).sort();
  };
  /**
   * A verified backup from `days` nights before `name`: its files copied under the older name through the bucket's
   * directory (the host's ossfs mount sees the same), as retention would find one that aged out on a failed night.
   */
  const olderCopyOf = async (name: string, days: number): Promise<string> => {
    const at = new Date(Number(name.slice(0, 10)) * 1000 - days * 86_400_000);
    const older = backupRunName({ at, key: `e2e/older/${name}`, timeZone: s.sandbox.env.TIMER_TZ });
    const bucketDir = join(dir, 'oss', s.sandbox.env.OSS_BUCKET!);
    const keys = (await bucketKeys()).filter((k) => k.includes(name));
    expect(keys).toHaveLength(4); // archive, manifest, /etc/gitlab archive, verified record
    for (const k of keys) await writeFile(join(bucketDir, k.replace(name, older)), (await readFile(join(bucketDir, k), 'latin1')).replaceAll(name, older), 'latin1');
    return older;
  };
  const outbox = async (): Promise<Mail[]> => ((await (await fetch(s.sandbox.urls['outbox.json']!)).json()) as { mails: Mail[] }).mails;
  /** Cloud Assistant invocations of a backup run on the sandbox host, read the way the worker reads them. */
  const invocationsOf = async (name: string): Promise<number> => {
    const e = s.sandbox.env;
    const credentials = () => ({ accessKeyId: e.ALIBABA_CLOUD_ACCESS_KEY_ID!, accessKeySecret: e.ALIBABA_CLOUD_ACCESS_KEY_SECRET!, securityToken: e.ALIBABA_CLOUD_SECURITY_TOKEN! });
    const ecs = createEcsPort(createRpcClient({ endpoint: e.ECS_ENDPOINT!, apiVersion: ECS_API_VERSION, credentials, retry: false }), e.ECS_REGION!);
    return (await ecs.findInvocations(e.BACKUP_INSTANCE_ID!, commandNameFor(name))).length;
  };

  it('sandbox fault --list names every rehearsable failure, none active', async () => {
    const r = await cli(sandboxCommand, ['fault', '--list']);
    expect(r.code).toBe(0);
    for (const n of ['oss-read', 'oss-write', 'oss-lifecycle', 'mount-allow-other', 'mount-missing', 'disk-full', 'gitlab-backup', 'agent-offline', 'dm-down', 'fc-handoff']) expect(r.out).toMatch(new RegExp(`^○ ${n} `, 'm'));
    expect(r.out).not.toContain('ACTIVE');
  });

  const names: string[] = [];
  it('3 good runs: three invocations on one day are three verified backups with three names', async () => {
    for (let i = 0; i < 3; i++) {
      const { code, result } = await invoke({ action: 'backup' });
      expect(code, result.summary).toBe(0);
      expect(result).toMatchObject({ status: 'changed', report: { status: 'verified' } });
      names.push(result.report.name);
      expect(await invocationsOf(result.report.name)).toBe(1);
    }
    expect(new Set(names).size).toBe(3);
  });

  it('the watchdog right after a backup: ok, the newest verified backup is minutes old, not hours', async () => {
    const { code, result } = await invoke({ action: 'watchdog' });
    expect(code).toBe(0);
    expect(result).toMatchObject({ status: 'ok' });
    expect(result.report.newestVerifiedAgeHours as number).toBeLessThan(1);
  });

  let older = '';
  it('3 runs with oss-read --times 6 (set through the CLI; 2 denied reads a run): each fails at verify-oss, is mailed once with "pruned: none", deletes nothing', async () => {
    // Something prunable must be on OSS, or "deletes nothing" proves nothing: retention after a good run leaves
    // nothing to prune until a backup ages out, so a fourth verified backup, 8 nights older, stands for that one.
    older = await olderCopyOf(names[0]!, 8);
    // --times counts the requests the fault answers, not runs: a backup run is denied twice (run record, verify).
    expect((await cli(sandboxCommand, ['fault', 'oss-read', '--times', '6'])).out).toMatch(/^● oss-read +ACTIVE \(6 left\)/);
    expect(((await (await fetch(`${s.sandbox.urls.index}/index.json`)).json()) as { faults: Array<{ name: string }> }).faults.map((f) => f.name)).toEqual(['oss-read']);
    for (let i = 0; i < 3; i++) {
      const before = (await outbox()).length;
      const keysBefore = await bucketKeys();
      const { code, result } = await invoke({ action: 'backup' });
      expect(code).toBe(1);
      expect(result).toMatchObject({ status: 'failed', report: { status: 'failed', step: 'verify-oss', retention: { pruned: [] } } });
      expect(result.report.fix).toMatch(/oss:GetObject/);
      const keysAfter = await bucketKeys();
      expect(keysBefore.filter((k) => !keysAfter.includes(k)), 'objects deleted by a failed run').toEqual([]);
      const mails = (await outbox()).slice(0, (await outbox()).length - before);
      expect(mails, 'one mail per failed night').toHaveLength(1);
      expect(mails[0]!.subject).toContain(`❌ FAIL backup ${result.report.name}: `);
      expect(mails[0]!.textBody).toMatch(/^pruned: none \(a run that was not verified deletes nothing\)$/m);
      expect(mails[0]!.textBody).toMatch(/^kept: 4 verified/m);
    }
    expect((await cli(sandboxCommand, ['fault', '--list'])).out, 'oss-read spent after 3 runs').not.toContain('ACTIVE');
  });

  it('the next good run prunes to BACKUP_KEEP_MIN: the 3 newest verified stay, the older ones go; failed runs\' leftovers stay (grace)', async () => {
    const { code, result } = await invoke({ action: 'backup' });
    expect(code, result.summary).toBe(0);
    expect(result).toMatchObject({ status: 'changed', report: { status: 'verified', backupsKept: 3 } });
    expect(result.report.retention!.pruned.map((p) => p.name).sort()).toEqual([older, names[0]!].sort());
    const keys = await bucketKeys();
    expect(keys.filter((k) => k.includes(older) || k.includes(names[0]!))).toEqual([]);
    names.splice(0, 1);
    names.push(result.report.name);
  });

  it('ops backups --json lists the 3 verified backups kept (and the 3 unverified runs), newest first', async () => {
    const r = await cli(backupsCommand, ['--json']);
    expect(r.code, r.err).toBe(0);
    const { backups } = JSON.parse(r.out) as { backups: Array<{ name: string; verified: boolean; createdAt: string; sizeBytes: number; gitlabVersion?: string; verifiedAt?: string; retention: string }> };
    expect(backups.filter((b) => b.verified).map((b) => b.name).sort()).toEqual([...names].sort());
    expect(backups).toHaveLength(6);
    expect(backups.map((b) => b.createdAt)).toEqual([...backups.map((b) => b.createdAt)].sort().reverse());
    for (const b of backups.filter((x) => x.verified)) expect(b).toMatchObject({ gitlabVersion: '17.5.1-ee', verifiedAt: expect.any(String), sizeBytes: expect.any(Number), retention: expect.stringMatching(/^keep: /) });
    const text = await cli(backupsCommand, []);
    expect(text.out).toMatch(/6 backup\(s\), 3 verified \(BACKUP_KEEP_MIN 3\)/);
  });

  it('a labelled backup is one command and carries its label', async () => {
    const { result } = await invoke({ action: 'backup', label: 'pre-upgrade' });
    expect(result).toMatchObject({ status: 'changed', report: { label: 'pre-upgrade' } });
    const { backups } = JSON.parse((await cli(backupsCommand, ['--json'])).out) as { backups: Array<{ name: string; label?: string }> };
    expect(backups.find((b) => b.name === result.report.name)).toMatchObject({ label: 'pre-upgrade' });
  });

  it('FC retries of one timer task are one backup: DirectMail down fails the task, the retry mails the report only', async () => {
    await cli(sandboxCommand, ['fault', 'gitlab-backup', '--times', '1']);
    await cli(sandboxCommand, ['fault', 'dm-down']);
    const before = (await outbox()).length;
    const fc = s.sandbox.runtime.fc;
    const timer = { triggerTime: new Date().toISOString(), triggerName: 'nightly-backup', payload: '{"action":"backup"}' };
    const task = fc.enqueue('ops-worker', JSON.stringify(timer), { source: 'timer' });
    await expect.poll(() => fc.tasks().find((t) => t.taskId === task.taskId)?.status, { timeout: 30_000, interval: 50 }).toBe('Retrying');
    expect(task.error?.errorMessage).toMatch(/could not be mailed.*re-send the report, not the backup/);
    await cli(sandboxCommand, ['fault', 'clear', 'dm-down']);
    await fc.idle();
    const done = fc.tasks().find((t) => t.taskId === task.taskId)!;
    expect(done).toMatchObject({ status: 'Succeeded', attempts: 2 });
    const report = (done.result as { report: { name: string; status: string; replayed?: boolean } }).report;
    expect(report).toMatchObject({ status: 'failed', replayed: true });
    const mails = (await outbox()).slice(0, (await outbox()).length - before);
    expect(mails.map((m) => m.subject)).toEqual([expect.stringContaining(`❌ FAIL backup ${report.name}: `)]);
    expect(await invocationsOf(report.name)).toBe(1);
    // `gitlab-backup --times 1` cleared itself after that one run.
    expect((await cli(sandboxCommand, ['fault', '--list'])).out).not.toContain('ACTIVE');
  });
});
