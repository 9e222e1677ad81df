import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeCommand } from '#local/cli/commands/invoke';
import type { CliIo } from '#local/cli/commands/index';
import { ecsSandboxPart } from '#local/ecs/sandbox-part';
import { ossSandboxPart } from '#local/oss/sandbox-part';
import { mailSandboxPart } from '#local/sandbox/parts/mail-part';
import { startSandbox, type Started } from '#local/start';

/** `npm run -s ops -- invoke ops-worker --event …` in-process: returns the exit code and the printed JSON. */
async function invoke(dir: string, event: string): Promise<{ code: number; result: Record<string, unknown> }> {
  const out: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: () => undefined, stdin: async () => '', env: { SANDBOX_DIR: dir }, cwd: process.cwd() };
  const code = await invokeCommand.run(['ops-worker', '--event', event], io);
  return { code, result: JSON.parse(out.join('\n')) as Record<string, unknown> };
}

// One sandbox per file: the worker module is loaded once and keeps its cold-start config (as in FC).
describe('e2e: backup through the sandbox (DirectMail + OSS + ECS parts, CLI invoke)', () => {
  let s: Started;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-backup-'));
    s = await startSandbox({ env: { SANDBOX_DIR: dir, LOG_LEVEL: 'warn' }, port: 0, timers: false, parts: [mailSandboxPart, ossSandboxPart, ecsSandboxPart], out: () => undefined });
  });
  afterAll(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('invoke ops-worker {"action":"backup"}: the result says verified and the outbox holds the success mail', async () => {
    const { code, result } = await invoke(dir, '{"action":"backup"}');
    expect(code).toBe(0);
    expect(result).toMatchObject({ action: 'backup', status: 'changed', report: { status: 'verified', verifiedRecord: expect.stringMatching(/^gitlab-backups\/verified\/\d{10}_\d{4}_\d{2}_\d{2}\.json$/) } });
    const outbox = (await (await fetch(s.sandbox.urls['outbox.json']!)).json()) as unknown;
    const mails = (Array.isArray(outbox) ? outbox : ((outbox as { mails?: unknown[] }).mails ?? [])) as Array<{ subject: string }>;
    expect(mails.some((m) => m.subject.includes('Backup verified'))).toBe(true);
  });

  it('a second trigger the same night reports the verified backup instead of starting another', async () => {
    const { code, result } = await invoke(dir, '{"action":"backup"}');
    expect(code).toBe(0);
    expect(result).toMatchObject({ status: 'ok', report: { status: 'already-verified' } });
  });

  it('the watchdog is quiet right after a verified backup', async () => {
    const { result } = await invoke(dir, '{"action":"watchdog"}');
    expect(result).toMatchObject({ action: 'watchdog', status: 'ok', plan: [] });
    expect(result.summary).toMatch(/newest verified backup \d{10}_\S+ is -?[\d.]+ h old \(RPO 26 h\)/);
  });
});
