import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, SECRET_KEYS } from '#shared/config/sections';
import { ROOT } from './s-yaml';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** Rows of the configuration tables: `| \`KEY\` | default | notes |`. */
const rows = new Map([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| ([^|]*) \| (.*) \|$/gm)].map((m) => [m[1]!, { def: m[2]!.trim(), notes: m[3]! }]));

describe('README.md', () => {
  it('has the two set-up commands verbatim', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it('documents every key of shared/config/sections.ts, and no key that is not there', () => {
    const keys = Object.keys(envSchema.shape);
    expect(keys.filter((k) => !rows.has(k)), 'add these to the README configuration table').toEqual([]);
    expect([...rows.keys()].filter((k) => !keys.includes(k)), 'stale README rows').toEqual([]);
  });

  it('shows the schema defaults and marks secrets', () => {
    const defaults = envSchema.parse({}) as Record<string, unknown>;
    for (const [k, row] of rows) {
      const d = defaults[k];
      if (typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean') expect(row.def, k).toBe(`\`${String(d)}\``);
      if (d === undefined) expect(row.def, k).toBe('—');
    }
    for (const k of SECRET_KEYS) expect(rows.get(k)?.notes, k).toMatch(/\*\*secret\*\*/);
  });

  it('shows the CLI forms and the deploy commands', () => {
    for (const form of ['images [--json] FILE...', 'plan [--json]', 'invoke <function>', 'backup-script', 's deploy', "invoke -e '{\"action\":"]) {
      expect(readme).toContain(form);
    }
  });
});
