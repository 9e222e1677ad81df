import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFcInvoker } from '#shared/cloud/fc/index';
import { startSandbox, type Started } from '#local/start';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'e2e-webhook-secret';

// One sandbox per file: handlers are imported once per process and keep their cold-start config (as FC does).
describe('npm start sandbox (in-process, real s.yaml and handlers)', () => {
  let s: Started;
  let dir: string;
  const banner: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-e2e-'));
    // A shell with a tuning key and production targets/secrets: only the tuning key reaches the functions.
    const shell = { BACKUP_KEEP_DAYS: '3', GITLAB_URL: 'https://gitlab.prod.example.com', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/prod' };
    s = await startSandbox({ env: { WEBHOOK_SECRET: SECRET, SANDBOX_DIR: dir, LOG_LEVEL: 'warn', ...shell }, port: 0, timers: false, retryBaseMs: 1, out: (l) => banner.push(l) });
  });
  afterAll(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the webhook URL, the secret and a curl example, and writes .sandbox/env and sandbox.json', async () => {
    const text = banner.join('\n');
    expect(text).toContain(s.webhookUrl);
    expect(text).toContain(`X-Gitlab-Token: ${SECRET}`);
    expect(text).toMatch(/--data-binary @\S*test\/fixtures\/gitlab\/push\.json/);
    const env = Object.fromEntries((await readFile(join(dir, 'env'), 'utf8')).trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(env).toMatchObject({ WEBHOOK_SECRET: SECRET, FC_ENDPOINT: s.sandbox.urls.fc, SANDBOX_WEBHOOK_URL: s.webhookUrl });
    const info = JSON.parse(await readFile(join(dir, 'sandbox.json'), 'utf8'));
    expect(info).toMatchObject({ webhookUrl: s.webhookUrl, functions: expect.arrayContaining(['gitlab-webhook', 'ops-worker']) });
    expect(info.timers.length).toBeGreaterThan(0);
    // The three channels' outboxes, next to each other; the functions are configured for all three.
    for (const k of ['outbox.json', 'dingtalk.json', 'slack.json']) expect(info.urls[k]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/outbox\.json$/);
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['MAIL_TO', 'DINGTALK_WEBHOOK_URL', 'DINGTALK_SECRET', 'SLACK_WEBHOOK_URL']));
    // Settings from the shell are the functions' (as s deploy resolves s.yaml from the shell); targets stay the sandbox's.
    expect(s.sandbox.runtime.env.BACKUP_KEEP_DAYS).toBe('3');
    expect(s.sandbox.runtime.env.GITLAB_URL).toBe(s.sandbox.urls.gitlab);
    expect(s.sandbox.runtime.env.SLACK_WEBHOOK_URL).not.toContain('prod');
    const settings = banner.join('\n').split('\n').find((l) => /^\s*settings\s/.test(l));
    expect(settings).toMatch(/from the shell: .*BACKUP_KEEP_DAYS/);
    expect(settings).not.toMatch(/GITLAB_URL|SLACK/);
  });

  it('a GitLab push to /gitlab-webhook is acknowledged 202 and runs ops-worker under the webhook\'s task id', async () => {
    const push = await readFile(join(REPO, 'test/fixtures/gitlab/push.json'));
    const res = await fetch(s.webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': SECRET }, body: push });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { actions: Array<{ taskId: string }> };
    expect(body.actions.length).toBeGreaterThan(0);
    await s.sandbox.runtime.fc.idle();
    const task = s.sandbox.runtime.fc.tasks().find((t) => t.taskId === body.actions[0]!.taskId);
    // The hand-off went through fc2 → FC API emulator → async queue → the worker's handler (whatever it answered).
    expect(task).toMatchObject({ functionName: 'ops-worker', source: 'api' });
    expect(task!.attempts).toBeGreaterThanOrEqual(1);
    expect(['Succeeded', 'Failed']).toContain(task!.status);
  });

  it('a wrong token is refused before anything is queued', async () => {
    const before = s.sandbox.runtime.fc.tasks().length;
    const res = await fetch(s.webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': 'nope' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(s.sandbox.runtime.fc.tasks()).toHaveLength(before);
  });

  it('the worker runs the ping action handed over through the FC API with the sandbox STS keys', async () => {
    const fc = createFcInvoker({ accountId: s.sandbox.context.accountId, region: 'ap-northeast-2', endpoint: s.sandbox.urls.fc, credentials: () => s.sandbox.context.credentials });
    const r = await fc.invokeAsync({ functionName: 'ops-worker', payload: JSON.stringify({ action: 'ping', params: { note: 'e2e' }, source: { kind: 'webhook', id: 'd1' } }), taskId: 'e2e_ping_1' });
    expect(r.duplicate).toBe(false);
    await s.sandbox.runtime.fc.idle();
    const task = s.sandbox.runtime.fc.tasks().find((t) => t.taskId === 'e2e_ping_1');
    expect(task).toMatchObject({ status: 'Succeeded', attempts: 1, result: { action: 'ping', status: 'ok', summary: 'pong: e2e' } });
  });
});

describe('npm start as a process', () => {
  it('boots, then exits 0 on SIGTERM after closing servers and timers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-proc-'));
    try {
      const child = spawn(join(REPO, 'node_modules/.bin/tsx'), ['local/start.ts'], {
        cwd: REPO,
        env: { ...process.env, PORT: '0', SANDBOX_DIR: dir, WEBHOOK_SECRET: '', LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => out.includes('Ctrl-C stops it.') && resolve());
        void exited.then(() => reject(new Error(`exited early:\n${out}`)));
      });
      expect(out).toMatch(/\n {2}secret +: [0-9a-f]{48} \(generated/);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('SIGTERM: shutting down');
      // A clean stop takes its connection details along: the CLI then says "not running", not "fetch failed".
      await expect(readFile(join(dir, 'env'), 'utf8')).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('npm start on a busy port', () => {
  it('exits non-zero with "port N in use (set PORT)" and boots nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-busy-'));
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const child = spawn(join(REPO, 'node_modules/.bin/tsx'), ['local/start.ts'], {
        cwd: REPO,
        env: { ...process.env, PORT: String(port), SANDBOX_DIR: dir, LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(err.trim()).toBe(`port ${port} in use (set PORT)`);
      expect(out).toBe('');
      await expect(readFile(join(dir, 'env'), 'utf8')).rejects.toThrow(/ENOENT/);
    } finally {
      blocker.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad setting from the shell before booting anything, naming the key and the expected shape', async () => {
    const dir = join(tmpdir(), `sandbox-bad-setting-${process.pid}`);
    await expect(startSandbox({ env: { SANDBOX_DIR: dir, BACKUP_KEEP_DAYS: 'seven' }, port: 0, parts: [], out: () => undefined })).rejects.toThrow(
      /^settings from the shell: BACKUP_KEEP_DAYS: expected an integer in 0\.\.3650 \(got "seven"\)$/,
    );
    await expect(readFile(join(dir, 'env'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('refuses a second sandbox on the same state directory, naming the running one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-twice-'));
    const first = await startSandbox({ env: { SANDBOX_DIR: dir, LOG_LEVEL: 'error' }, port: 0, timers: false, parts: [], out: () => undefined });
    try {
      await expect(startSandbox({ env: { SANDBOX_DIR: dir }, port: 0, parts: [], out: () => undefined })).rejects.toThrow(`a sandbox is already running from ${dir} (pid ${process.pid}); stop it or set SANDBOX_DIR`);
    } finally {
      await first.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
