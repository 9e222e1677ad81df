import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../registry';
import { invokeCommand } from './invoke';

// Own file: the worker reads LOG_LEVEL once, at its cold start (as in FC), and the first run here is on a "terminal".
const dir = mkdtempSync(join(tmpdir(), 'invoke-progress-'));

function io(tty: boolean): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), stdin: async () => '', env: { SANDBOX_DIR: join(dir, 'none'), LOG_LEVEL: 'warn' }, cwd: dir, errIsTTY: tty };
}

describe('invoke progress on stderr', () => {
  it('draws the action as it starts and ends on a terminal; stdout keeps only the JSON result', async () => {
    const o = io(true);
    expect(await invokeCommand.run(['ops-worker', '--event', '{"action":"ping","params":{"note":"hi"}}'], o)).toBe(0);
    expect(o.stderr[0]).toBe('target: shell env: none');
    expect(o.stderr.slice(2)).toEqual([expect.stringMatching(/^ +\d+\.\ds ▸ ping$/), expect.stringMatching(/^ +\d+\.\ds ✓ ping ok — pong: hi$/)]);
    expect(JSON.parse(o.stdout.join(''))).toMatchObject({ status: 'ok' });
  });

  it('stays quiet when stderr is not a terminal (only problems), --logs passes every JSON line, --quiet keeps only problems', async () => {
    const piped = io(false);
    expect(await invokeCommand.run(['ops-worker', '--event', '{"action":"ping"}'], piped)).toBe(0);
    expect(piped.stderr).toEqual(['target: shell env: none']);
    const raw = io(false);
    raw.env.LOG_LEVEL = 'info';
    expect(await invokeCommand.run(['ops-worker', '--logs', '--event', '{"action":"ping"}'], raw)).toBe(0);
    expect(raw.stderr.some((l) => JSON.parse(l.startsWith('{') ? l : '{}').msg === 'action start')).toBe(true);
    expect(await invokeCommand.run(['ops-worker', '--logs', '--quiet', '--event', '{"action":"ping"}'], io(false))).toBe(2);
    const quiet = io(false);
    expect(await invokeCommand.run(['ops-worker', '-q', '--event', '{"action":"ping"}'], quiet)).toBe(0);
    expect(quiet.stderr).toEqual(['target: shell env: none']);
    const failed = io(false);
    expect(await invokeCommand.run(['ops-worker', '--quiet', '--event', '{"action":"nope"}'], failed)).toBe(1);
    expect(failed.stderr.slice(1).map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['error']);
  });
});
