import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFunctions, listFunctions, MAX_BUNDLE_BYTES } from '../../scripts/build';
import { ROOT } from './s-yaml';

// Scratch roots live inside the repo (.cache/ is git-ignored) so fixtures resolve the repo's node_modules.
const scratch = join(ROOT, '.cache', `build-test-${process.pid}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A throwaway project root with one function whose handler is `source`. */
function fixture(name: string, fn: string, source: string): string {
  const root = join(scratch, name);
  mkdirSync(join(root, 'functions', fn), { recursive: true });
  writeFileSync(join(root, 'functions', fn, 'handler.ts'), source);
  return root;
}

/** Run `script` in a fresh node process (the bundle must load the way FC loads it: plain CJS require). */
const node = (script: string): string => execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();

describe('scripts/build.ts', () => {
  it('bundles every function as CJS exporting handler, under the size cap', async () => {
    const outDir = join(scratch, 'dist');
    const reports = await buildFunctions({ outDir });
    expect(reports.map((r) => r.name)).toEqual(listFunctions());
    for (const r of reports) {
      expect(r.problems).toEqual([]);
      expect(r.bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
      expect(r.inputs.length).toBeGreaterThan(0);
      const file = join(outDir, r.name, 'index.js');
      expect(existsSync(`${file}.map`)).toBe(true);
      expect(node(`process.stdout.write(typeof require(${JSON.stringify(file)}).handler)`)).toBe('function');
    }
  });

  it('reports a heavy client that leaks into the webhook bundle', async () => {
    const root = fixture('leak', 'gitlab-webhook', `import RPCClient from '@alicloud/pop-core';\nexport const handler = async () => typeof RPCClient;\n`);
    const [report] = await buildFunctions({ root, outDir: join(root, 'dist') });
    expect(report!.problems.join('\n')).toMatch(/gitlab-webhook bundles @alicloud\/pop-core/);
  });

  it('keeps fc2 in the webhook but stubs the ali-oss and ws it requires and never uses there', async () => {
    const root = fixture('fc2', 'gitlab-webhook', `import FC from '@alicloud/fc2';\nexport const handler = async () => typeof FC;\n`);
    const [report] = await buildFunctions({ root, outDir: join(root, 'dist') });
    expect(report!.problems).toEqual([]);
    expect(report!.inputs.map((i) => i.input)).toContain('@alicloud/fc2');
    expect(report!.inputs.map((i) => i.input)).not.toContain('ali-oss');
    expect(report!.inputs.map((i) => i.input)).not.toContain('ws');
    const file = join(root, 'dist', 'gitlab-webhook', 'index.js');
    expect(node(`require(${JSON.stringify(file)}).handler().then((t) => process.stdout.write(t))`)).toBe('function');
  });

  it('moves heavy clients of other functions to a vendor chunk loaded on first use', async () => {
    const root = fixture(
      'lazy',
      'worker',
      `import RPCClient from '@alicloud/pop-core';\nexport const handler = async () => typeof new RPCClient({ accessKeyId: 'a', accessKeySecret: 'b', endpoint: 'https://ecs.aliyuncs.com', apiVersion: '2014-05-26' }).request;\n`,
    );
    const [report] = await buildFunctions({ root, outDir: join(root, 'dist') });
    expect(report!.vendor.map((v) => v.pkg)).toEqual(['@alicloud/pop-core']);
    expect(report!.bytes).toBeLessThan(10 * 1024);
    const file = JSON.stringify(join(root, 'dist', 'worker', 'index.js'));
    const loaded = `Object.keys(require.cache).filter((k) => k.includes('vendor')).length`;
    const out = node(`const m = require(${file}); const before = ${loaded};
      m.handler().then((t) => process.stdout.write(JSON.stringify({ before, t, after: ${loaded} })))`);
    expect(JSON.parse(out)).toEqual({ before: 0, t: 'function', after: 1 });
    expect(readFileSync(join(root, 'dist', 'worker', 'package.json'), 'utf8')).toContain('commonjs');
  });

  it('loading a function bundle pulls in no network stack: node:http/https/net/tls come on first use (cold start)', async () => {
    const outDir = join(scratch, 'dist-builtins');
    await buildFunctions({ outDir });
    for (const fn of listFunctions()) {
      const file = JSON.stringify(join(outDir, fn, 'index.js'));
      const loaded = node(`const M = require('module'); const o = M._load; const seen = new Set();
        M._load = function (r) { if (M.isBuiltin(r)) seen.add(r.replace(/^node:/, '')); return o.apply(this, arguments); };
        require(${file}); process.stdout.write([...seen].sort().join(' '))`).split(' ');
      expect(loaded.filter((b) => ['http', 'https', 'net', 'tls', 'http2'].includes(b)), fn).toEqual([]);
    }
  });
});
