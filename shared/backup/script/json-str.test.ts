import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BACKUP_SH_TEMPLATE } from './templates/backup-sh';

// The script builds its result JSON in bash; any message (tar's stderr, paths) must still parse. Test the
// template's own json_str, run by bash in the C locale a Cloud Assistant shell may have.
const fns = ['json_str'].map((name) => {
  const m = new RegExp(`^${name}\\(\\) \\{[\\s\\S]*?^\\}`, 'm').exec(BACKUP_SH_TEMPLATE);
  if (!m) throw new Error(`${name} not found in the template`);
  return m[0];
});

function bashJson(values: string[]): string[] {
  const script = `${fns.join('\n')}\nfor a in "$@"; do json_str "$a"; printf '\\n'; done`;
  const r = spawnSync('bash', ['-c', script, '_', ...values], { encoding: 'utf8', env: { PATH: process.env.PATH, LC_ALL: 'C' } });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n');
}

describe('json_str (bash)', () => {
  it('always emit valid JSON that round-trips, minus raw control characters', () => {
    // One bash process for all samples: spawning per property run costs more than the check itself.
    const values = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/\0/g, '')), { numRuns: 300, seed: 4711 });
    values.push('', '\x1b[31mred\x1b[0m', 'tar: \u00e9chec\r\n', '\\"', '\u{1f600}');
    const out = bashJson(values);
    // eslint-disable-next-line no-control-regex -- control characters are exactly what json_str must drop
    const expected = values.map((v) => v.replace(/[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]/g, ''));
    expect(out.slice(0, values.length).map((l) => JSON.parse(l) as string)).toEqual(expected);
  });

  it('escapes quotes, backslashes and newlines', () => {
    expect(bashJson(['a"b\\c\nd\te'])[0]).toBe('"a\\"b\\\\c\\nd\\te"');
  });
});
