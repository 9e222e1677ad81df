import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from './index';
import { invokeCommand, invokeEnv, parseEnvFile, readEvent } from './invoke';

const dir = mkdtempSync(join(tmpdir(), 'invoke-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: Record<string, string | undefined> = {}, stdin = ''): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    stdin: async () => stdin,
    // An empty SANDBOX_DIR keeps a developer's real .sandbox/env out of these runs.
    env: { LOG_LEVEL: 'error', SANDBOX_DIR: join(dir, 'none'), ...env },
    cwd: dir,
  };
}

describe('invoke helpers', () => {
  it('parses .sandbox/env lines and unescapes newlines', () => {
    expect(parseEnvFile('A=1\nB=x=y\n# comment\nC=line1\\nline2\n\n')).toEqual({ A: '1', B: 'x=y', C: 'line1\nline2' });
  });

  it('applies .sandbox/env only when nothing points at real services (unless forced)', () => {
    const file = join(dir, 'env');
    writeFileSync(file, 'GITLAB_URL=http://127.0.0.1:1\nWEBHOOK_SECRET=s\n');
    expect(invokeEnv({ X: '1' }, file, 'auto')).toEqual({ env: { X: '1', GITLAB_URL: 'http://127.0.0.1:1', WEBHOOK_SECRET: 's' }, sandbox: true });
    expect(invokeEnv({ GITLAB_URL: 'https://gitlab.example.com' }, file, 'auto')).toEqual({ env: { GITLAB_URL: 'https://gitlab.example.com' }, sandbox: false });
    expect(invokeEnv({ ASK_CLUSTER_ID: 'c1' }, file, 'on').sandbox).toBe(true);
    expect(invokeEnv({}, file, 'off').sandbox).toBe(false);
    expect(invokeEnv({}, join(dir, 'missing'), 'on').sandbox).toBe(false);
  });

  it('reads the event inline, from a file, or from stdin, as bytes', async () => {
    writeFileSync(join(dir, 'evt.json'), '{"action":"ping"}');
    expect((await readEvent('{"a":1}', io())).toString()).toBe('{"a":1}');
    expect((await readEvent('evt.json', io())).toString()).toBe('{"action":"ping"}');
    expect((await readEvent('-', io({}, '{"b":2}'))).toString()).toBe('{"b":2}');
    expect((await readEvent(undefined, io())).toString()).toBe('{}');
    await expect(readEvent('nope.json', io())).rejects.toThrow(/not found/);
  });
});

describe('invoke command', () => {
  it('runs ops-worker in-process and prints its JSON result', async () => {
    const o = io();
    const code = await invokeCommand.run(['ops-worker', '--event', '{"action":"ping","params":{"note":"hi"}}'], o);
    expect(code).toBe(0);
    expect(JSON.parse(o.stdout.join(''))).toMatchObject({ action: 'ping', status: 'ok', summary: 'pong: hi' });
  });

  it('passes a timer-shaped event from a file through FC decoding', async () => {
    writeFileSync(join(dir, 'timer.json'), JSON.stringify({ triggerTime: '2026-11-27T18:00:00Z', triggerName: 'nightly', payload: '{"action":"ping"}' }));
    const o = io();
    expect(await invokeCommand.run(['ops-worker', '--event=timer.json'], o)).toBe(0);
    expect(JSON.parse(o.stdout.join(''))).toMatchObject({ report: { source: { kind: 'timer', id: 'nightly' } } });
  });

  it('exits 1 on a failed result and 2 on usage errors', async () => {
    const o = io();
    expect(await invokeCommand.run(['ops-worker', '--event', '{"action":"no-such-action"}'], o)).toBe(1);
    expect(JSON.parse(o.stdout.join(''))).toMatchObject({ status: 'failed', errors: [{ code: 'UNKNOWN_ACTION' }] });
    expect(await invokeCommand.run([], io())).toBe(2);
    const bad = io();
    expect(await invokeCommand.run(['no-such-fn'], bad)).toBe(2);
    expect(bad.stderr.join('')).toMatch(/s\.yaml defines: .*ops-worker/);
  });
});
