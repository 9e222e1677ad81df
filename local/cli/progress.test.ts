import { describe, expect, it } from 'vitest';
import { captureStdoutLines, createLogView, formatElapsed } from './progress';

const rec = (msg: string, f: Record<string, unknown> = {}, level = 'info'): string => JSON.stringify({ time: 't', level, msg, fn: 'ops-worker', requestId: 'r', action: 'backup', ...f });

function view(mode: 'progress' | 'raw' | 'quiet') {
  let t = 1_000;
  const out: string[] = [];
  const v = createLogView(mode, (l) => out.push(l), () => t);
  return { out, feed: (line: string, at: number) => ((t = 1_000 + at), v(line)) };
}

const steps = [
  [rec('action start', { dryRun: false }), 0],
  [rec('step start', { step: 'mount-check' }), 100],
  [rec('step end', { step: 'mount-check', outcome: 'ok', elapsedMs: 1_200 }), 1_300],
  [rec('backup still running', { polls: 10 }), 2_000],
  [rec('step start', { step: 'gitlab-backup' }), 1_400],
  [rec('disk nearly full', { freeGib: 11 }, 'warn'), 30_000],
  [rec('step end', { step: 'gitlab-backup', outcome: 'failed', elapsedMs: 64_000 }), 65_400],
  [rec('action done', { status: 'failed', summary: 'backup failed at gitlab-backup' }), 65_500],
  ['not json at all', 65_600],
] as const;

describe('invoke progress view', () => {
  it('on a terminal: each step as it starts and ends with elapsed time, warnings as one line, the rest hidden', () => {
    const v = view('progress');
    for (const [l, at] of steps) v.feed(l, at);
    expect(v.out).toEqual([
      '   0.0s ▸ backup',
      '   0.1s   ▸ mount-check',
      '   1.3s   ✓ mount-check ok (1.2s)',
      '   1.4s   ▸ gitlab-backup',
      '  30.0s     ! warn: disk nearly full {"freeGib":11}',
      '  1m05s   ✗ gitlab-backup failed (1m04s)',
      '  1m06s ✗ backup failed — backup failed at gitlab-backup',
      'not json at all',
    ]);
  });

  it('not a terminal: every line as written; --quiet: only warnings, errors and non-JSON', () => {
    const raw = view('raw');
    for (const [l, at] of steps) raw.feed(l, at);
    expect(raw.out).toEqual(steps.map(([l]) => l));
    const quiet = view('quiet');
    for (const [l, at] of steps) quiet.feed(l, at);
    expect(quiet.out).toEqual([steps[5][0], 'not json at all']);
  });

  it('formats elapsed time and captures stdout writes as lines until stopped', () => {
    expect([formatElapsed(400), formatElapsed(59_949), formatElapsed(185_000)]).toEqual(['0.4s', '59.9s', '3m05s']);
    const lines: string[] = [];
    const stop = captureStdoutLines((l) => lines.push(l));
    try {
      process.stdout.write('{"a":1}\n{"b"');
      process.stdout.write(Buffer.from(':2}\ntail'));
    } finally {
      stop();
    }
    expect(lines).toEqual(['{"a":1}', '{"b":2}', 'tail']);
  });
});
