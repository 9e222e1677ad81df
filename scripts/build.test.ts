import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFunctions, FUNCTION_RULES } from './build';

const root = resolve(import.meta.dirname, '..');
// Inside the repo (.cache/ is git-ignored) so the build resolves the repo's node_modules.
const outDir = join(root, '.cache', `build-unit-${process.pid}`);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('webhook bundle footprint (docs/adr/0015-cold-start.md)', () => {
  it('carries fc2 native build only: no es5 copy, regenerator, axios or follow-redirects; zod via zod/mini', async () => {
    const [report] = await buildFunctions({ root, outDir, names: ['gitlab-webhook'] });
    expect(report!.problems).toEqual([]);
    const sources = (JSON.parse(readFileSync(join(outDir, 'gitlab-webhook', 'index.js.map'), 'utf8')) as { sources: string[] }).sources;
    expect(sources.some((s) => s.includes('@alicloud/fc2/lib/client.js'))).toBe(true);
    for (const dead of ['@alicloud/fc2/es5/', 'regenerator-runtime', 'babel-runtime', 'node_modules/axios/', 'follow-redirects', 'zod/v4/classic/']) {
      expect(sources.filter((s) => s.includes(dead))).toEqual([]);
    }
    expect(FUNCTION_RULES['gitlab-webhook']!.stub).toEqual(expect.arrayContaining(['ali-oss', 'ws', 'axios']));
  });
});

describe('worker bundle footprint (docs/adr/0015-cold-start.md, follow-up)', () => {
  it('keeps classic zod, yaml and the heavy clients out of the ops-worker entry (they load on first use)', async () => {
    const [report] = await buildFunctions({ root, outDir, names: ['ops-worker'] });
    expect(report!.problems).toEqual([]);
    const sources = (JSON.parse(readFileSync(join(outDir, 'ops-worker', 'index.js.map'), 'utf8')) as { sources: string[] }).sources;
    for (const heavy of ['zod/v4/classic/', 'node_modules/yaml/', 'node_modules/@kubernetes/client-node/', 'node_modules/ali-oss/']) {
      expect(sources.filter((s) => s.includes(heavy))).toEqual([]);
    }
  });
});
