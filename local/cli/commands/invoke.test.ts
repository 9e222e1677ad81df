import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { actionNames } from '../../../functions/ops-worker/actions/index';
import type { CliIo } from './index';
import { invokeCommand, parseEnvFile, readEvent } from './invoke';
import { eventAction, invokeTargets } from './invoke-event';

const dir = mkdtempSync(join(tmpdir(), 'invoke-test-'));
const WORKER_ACTIONS = fileURLToPath(new URL('../../../functions/ops-worker/actions', import.meta.url));
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

  it('names the targets of the action the event asks for (all of them when it cannot tell)', () => {
    writeFileSync(join(dir, 'timer-backup.json'), JSON.stringify({ triggerName: 'nightly', payload: '{"action":"backup"}' }));
    expect(eventAction('{"action":"prewarm"}')).toBe('prewarm');
    expect(invokeTargets('ops-worker', '{"action":"ping"}', dir)).toEqual([]);
    expect(invokeTargets('ops-worker', 'timer-backup.json', dir)).toEqual(['instance', 'bucket', 'cluster']);
    expect(invokeTargets('ops-worker', '{"action":"reconcile"}', dir)).toEqual(['gitlab', 'cluster']);
    expect(invokeTargets('ops-worker', '-', dir)).toEqual(['gitlab', 'cluster', 'instance', 'bucket']);
    expect(invokeTargets('ops-worker', '{"action":"frobnicate"}', dir)).toEqual(['gitlab', 'cluster', 'instance', 'bucket']);
    expect(invokeTargets('ops-worker', '{"action":"restore","backup":"1795802400_2026_11_28_k3f9"}', dir)).toEqual(['gitlab', 'instance', 'bucket', 'cluster']);
    expect(invokeTargets('ops-worker', '{"action":"watchdog"}', dir)).toEqual(['bucket', 'cluster']);
    expect(invokeTargets('ops-worker', '{"action":"restore-drill"}', dir)).toEqual(['gitlab', 'cluster', 'bucket']);
    expect(invokeTargets('gitlab-webhook', undefined, dir)).toEqual(['fc']);
  });

  it('names the cluster for every action that notifies: the alert state is a ConfigMap there', () => {
    const notifying = actionNames().filter((a) => /\bnotifierFor\(/.test(readFileSync(join(WORKER_ACTIONS, `${a}.ts`), 'utf8')));
    expect(notifying.length).toBeGreaterThanOrEqual(6);
    for (const a of notifying) expect(invokeTargets('ops-worker', JSON.stringify({ action: a }), dir), a).toContain('cluster');
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
    expect(await invokeCommand.run(['ops-workr'], bad)).toBe(2);
    expect(bad.stderr.join('')).toMatch(/unknown function "ops-workr" \(did you mean "ops-worker"\?\); s\.yaml defines: .*ops-worker/);
    const flag = io();
    expect(await invokeCommand.run(['ops-worker', '--evnt', '{}'], flag)).toBe(2);
    expect(flag.stderr.join('')).toContain('unknown flag "--evnt" (did you mean "--event"?)');
  });
});
