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

  it('passes the JSON log lines through when stderr is not a terminal, and --quiet keeps only problems', async () => {
    const raw = io(false);
    expect(await invokeCommand.run(['ops-worker', '--event', '{"action":"ping"}'], raw)).toBe(0);
    expect(raw.stderr.some((l) => JSON.parse(l.startsWith('{') ? l : '{}').msg === 'action start')).toBe(true);
    const quiet = io(false);
    expect(await invokeCommand.run(['ops-worker', '-q', '--event', '{"action":"ping"}'], quiet)).toBe(0);
    expect(quiet.stderr).toEqual(['target: shell env: none']);
    const failed = io(false);
    expect(await invokeCommand.run(['ops-worker', '--quiet', '--event', '{"action":"nope"}'], failed)).toBe(1);
    expect(failed.stderr.slice(1).map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['error']);
  });
});
