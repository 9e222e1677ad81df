import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '#local/cli/main';
import type { CliIo } from '#local/cli/commands/index';
import { DOCTOR_CHECKS } from '#local/cli/doctor/checks';
import { sandboxParts } from '#local/sandbox/boot';
import { createKubePart } from '#local/sandbox/parts/kube-part';
import { startSandbox, type Started } from '#local/start';

interface Doctor {
  code: number;
  checks: Array<{ id: string; service: string; status: string; detail: string; fix: string | null }>;
  err: string;
}

/** `npm run -s ops -- doctor --json` in-process against the sandbox in `dir`. */
async function doctor(dir: string): Promise<Doctor> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => '', env: { SANDBOX_DIR: dir, LOG_LEVEL: 'error' }, cwd: process.cwd() };
  const code = await main(['doctor', '--json'], io);
  return { code, checks: (JSON.parse(out.join('\n')) as Doctor).checks, err: err.join('\n') };
}

// One sandbox for the file (npm start wiring, random ports); each fault is set inside its emulator and cleared after.
describe('ops doctor against the sandbox', () => {
  let s: Started;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'doctor-'));
    const parts = sandboxParts.map((p) => (p.name === 'kube' ? createKubePart({ readyAfterMs: 20 }) : p));
    s = await startSandbox({ env: { SANDBOX_DIR: dir, LOG_LEVEL: 'error' }, port: 0, timers: false, retryBaseMs: 1, parts, out: () => undefined });
  });
  afterAll(async () => {
    await s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every check is ok, grouped by service, exit 0; the JSON has id, service, status, detail and fix (null)', async () => {
    const r = await doctor(dir);
    expect(r.checks.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.checks).toHaveLength(DOCTOR_CHECKS.length);
    expect(r.err.split('\n')[0]).toMatch(/^target: sandbox .*gitlab .* · cluster ASK .* · instance i-sandboxgitlab01 .* · bucket oss:\/\/gitlab-backups\/.* · fc ops-worker/);
    expect([...new Set(r.checks.map((c) => c.service))]).toEqual(['config', 'gitlab', 'fc', 'ecs', 'host', 'oss', 'directmail', 'kubernetes']);
    for (const c of r.checks) expect(Object.keys(c).sort()).toEqual(['detail', 'fix', 'id', 'service', 'status']);
    expect(r.checks.filter((c) => c.fix !== null)).toEqual([]);
    const by = Object.fromEntries(r.checks.map((c) => [c.id, c.detail]));
    expect(by['gitlab.system-hook']).toContain(`→ ${s.webhookUrl}: push, merge request, repository update events`);
    expect(by['fc.webhook']).toContain('answers 401');
    expect(by['k8s.rbac']).toMatch(/^all 28 calls allowed/);
    // Read-only: nothing was queued in FC, no mail went out.
    expect(s.sandbox.runtime.fc.tasks()).toEqual([]);
    expect(((await (await fetch(s.sandbox.urls['outbox.json']!)).json()) as { mails: unknown[] }).mails).toEqual([]);
  });

  it.each([
    ['agent-offline', 'ecs.agent', /Cloud Assistant agent on i-sandboxgitlab01 is not running/, /systemctl restart aliyun\.service/],
    ['mount-missing', 'host.mount', /\/mnt\/gitlab-backups is not an ossfs mount \(found ext4/, /put `gitlab-backups \/mnt\/gitlab-backups fuse\.ossfs _netdev,allow_other,url=\S+ 0 0` in \/etc\/fstab/],
    ['mount-allow-other', 'host.mount', /without allow_other, so the git user cannot write to it/, /add allow_other to the ossfs line/],
    ['disk-full', 'host.disk', /^1024 KiB free in \/var\/opt\/gitlab\/backups/, /free space in \/var\/opt\/gitlab\/backups/],
    ['oss-read', 'oss.read', /AccessDenied/, /oss:GetObject on acs:oss:\*:\*:gitlab-backups\/gitlab-backups\/\*/],
    ['oss-lifecycle', 'oss.lifecycle', /rule "expire-backups" expires "gitlab-backups\/" after 30 days/, /remove or narrow the rule/],
    ['staging-owner', 'host.staging', /root/, /chown/],
    ['dm-down', 'mail.sender', /DirectMail did not answer: .*ServiceUnavailable/, /check DirectMail/],
    ['dm-account', 'mail.account', /^DirectMail account in ap-southeast-1 is overdue \(unpaid bills\) \(UserStatus 2\): no report can be mailed$/, /pay the overdue bills/],
  ])('sandbox fault %s → %s failed with its fix, exit 1; the other checks are unaffected', async (fault, id, detail, fix) => {
    s.sandbox.faults.set(fault);
    let r: Doctor;
    try {
      r = await doctor(dir);
    } finally {
      s.sandbox.faults.clear(fault);
    }
    const c = r.checks.find((x) => x.id === id)!;
    expect(c.status).toBe('failed');
    expect(c.detail).toMatch(detail);
    expect(c.fix).toMatch(fix);
    expect(r.code).toBe(1);
    // DirectMail down fails both of its checks (the account summary is a DirectMail call too).
    expect(r.checks.filter((x) => x.status === 'failed').map((x) => x.id)).toEqual(fault === 'dm-down' ? ['mail.sender', 'mail.account'] : [id]);
    const skippedWant = fault === 'agent-offline' ? ['host.mount', 'host.fstab', 'host.disk', 'host.ossfs-parts', 'host.keep-time', 'host.staging'] : [];
    expect(r.checks.filter((x) => x.status === 'skipped').map((x) => x.id)).toEqual(skippedWant);
    // Every check carries fix: null where there is nothing to do (skipped ones included).
    expect(r.checks.filter((x) => x.status !== 'failed' && x.fix !== null).map((x) => x.id)).toEqual([]);
  });
});
