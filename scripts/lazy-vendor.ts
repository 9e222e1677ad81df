import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * Lazy vendor chunks. The worker's heavy clients (client-node ~1.4 MB minified, gitbeaker, ali-oss, pop-core) would
 * make one 2.8 MB bundle that costs ~300 ms to load on every cold start, although a timer run touches one or two of
 * them. So each heavy package is bundled on its own into `dist/<fn>/vendor/<pkg>.js`, and the function bundle gets a
 * tiny shim instead whose exports are getters that `require()` the chunk on first use. esbuild's `__toESM` copies
 * exports as getters (`get: () => mod[key]`), so `import { KubeConfig } from '@kubernetes/client-node'` still works
 * and loads the chunk only when `KubeConfig` is first touched. Why not ESM code splitting: FC's `index.handler` and
 * client-node's node-fetch want CJS (ADR 0001), and ports are built synchronously (deps.ts).
 */

/** The export shape of a vendor chunk, read at build time so the shim can mirror it without loading it. */
export interface VendorShape {
  kind: 'function' | 'object';
  esModule: boolean;
  keys: string[];
}

/** A built vendor chunk: package name, file name inside `vendor/`, shape. */
export interface VendorChunk {
  pkg: string;
  file: string;
  shape: VendorShape;
}

/** Optional requires inside dependencies that are never taken on our paths (urllib's proxy support). */
export const OPTIONAL_EXTERNALS = ['proxy-agent'];

const fileFor = (pkg: string): string => `${pkg.replace(/^@/, '').replace(/[^a-zA-Z0-9.-]+/g, '-')}.js`;

/** Bundle one package as a standalone CJS chunk into `dir` and read its export shape in a fresh node process. */
export async function buildVendorChunk(pkg: string, dir: string, root: string): Promise<VendorChunk> {
  mkdirSync(dir, { recursive: true });
  // Inside this repo ("type": "module") node would read the CJS chunk as ESM and see no exports.
  writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  const file = fileFor(pkg);
  const outfile = join(dir, file);
  await build({
    stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    external: OPTIONAL_EXTERNALS,
    outfile,
    logLevel: 'error',
  });
  const probe = `const m = require(${JSON.stringify(outfile)});
const skip = new Set(['length', 'name', 'arguments', 'caller', 'prototype', '__esModule']);
process.stdout.write(JSON.stringify({ kind: typeof m === 'function' ? 'function' : 'object', esModule: !!m.__esModule,
  keys: Object.getOwnPropertyNames(m).filter((k) => !skip.has(k)) }));`;
  const shape = JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })) as VendorShape;
  return { pkg, file, shape };
}

/** CJS source of the shim standing in for a vendor chunk inside the function bundle. */
export function shimSource(chunk: VendorChunk): string {
  // The path is computed at run time so esbuild leaves this require alone; __dirname is dist/<fn>/ there.
  const load = `let m; const load = () => (m ??= require(require('node:path').join(__dirname, 'vendor', ${JSON.stringify(chunk.file)})));`;
  const head =
    chunk.shape.kind === 'function'
      ? // A class or factory export (ali-oss, pop-core): construct or call the real one. `instanceof Shim` is false.
        `const shim = function (...a) { const T = load(); return new.target ? Reflect.construct(T, a) : T.apply(this, a); };`
      : 'const shim = {};';
  const keys = JSON.stringify(chunk.shape.keys);
  return [
    load,
    head,
    `for (const k of ${keys}) Object.defineProperty(shim, k, { enumerable: true, configurable: true, get: () => load()[k] });`,
    // Set eagerly: __toESM reads __esModule at import time and must not trigger the load.
    chunk.shape.esModule ? `Object.defineProperty(shim, '__esModule', { value: true });` : '',
    'module.exports = shim;',
  ].join('\n');
}

/** Which of `pkgs` the entry's import graph reaches (a quick unminified pass, nothing written). */
export async function findImported(entry: string, pkgs: readonly string[], root: string): Promise<Set<string>> {
  const found = new Set<string>();
  if (pkgs.length === 0) return found;
  await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'error',
    external: OPTIONAL_EXTERNALS,
    plugins: [
      {
        name: 'find-imported',
        setup(b) {
          b.onResolve({ filter: exactFilter(pkgs) }, (args) => {
            found.add(args.path);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return found;
}

const exactFilter = (pkgs: readonly string[]): RegExp =>
  new RegExp(`^(${pkgs.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);

/** esbuild plugin replacing each vendored package with its shim; records which ones the bundle imported. */
export function lazyVendorPlugin(chunks: ReadonlyMap<string, VendorChunk>, used: Set<string>): Plugin {
  return {
    name: 'lazy-vendor',
    setup(b) {
      if (chunks.size === 0) return;
      b.onResolve({ filter: exactFilter([...chunks.keys()]) }, (args) => {
        used.add(args.path);
        return { path: args.path, namespace: 'lazy-vendor' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-vendor' }, (args) => ({
        contents: shimSource(chunks.get(args.path)!),
        loader: 'js',
      }));
    },
  };
}

/** esbuild plugin replacing packages with a module that throws on use (kept out of a bundle on purpose). */
export function stubPlugin(pkgs: readonly string[], why: string): Plugin {
  return {
    name: 'stub',
    setup(b) {
      if (pkgs.length === 0) return;
      b.onResolve({ filter: exactFilter(pkgs) }, (args) => ({ path: args.path, namespace: 'stub' }));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
        contents: `module.exports = function stub() { throw new Error(${JSON.stringify(`${args.path} is not bundled: ${why}`)}); };`,
        loader: 'js',
      }));
    },
  };
}
