import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { buildVendorChunk, findImported, lazyVendorPlugin, OPTIONAL_EXTERNALS, stubPlugin, type VendorChunk } from './lazy-vendor';

/**
 * `npm run build`: one CJS bundle per function, `functions/<name>/handler.ts` → `dist/<name>/index.js` (FC handler
 * `index.handler`), plus a size report (`dist/size-report.json`). Fails when a bundle exceeds MAX_BUNDLE_BYTES or
 * when a heavy client leaks into the webhook bundle (it must answer GitLab in ms; ADR 0015).
 */

/** Hard cap for a function's entry bundle (`index.js`, what every cold start loads). */
export const MAX_BUNDLE_BYTES = 800 * 1024;

/** Clients too big for the cold-start path; the worker loads them lazily (scripts/lazy-vendor.ts). */
export const HEAVY_PACKAGES = ['@kubernetes/client-node', '@gitbeaker/rest', 'ali-oss', '@alicloud/pop-core'] as const;

/** Per-function bundling rules; functions not listed get `lazy: HEAVY_PACKAGES`. */
export const FUNCTION_RULES: Record<string, { forbid?: readonly string[]; stub?: readonly string[]; lazy?: readonly string[] }> = {
  // The webhook only verifies, classifies and hands off. @alicloud/fc2 requires ali-oss and ws at load time but uses
  // them only to upload code/layers and for instance exec over WebSocket, which the webhook never does, so they
  // are stubbed (a call would throw) rather than bundled: ~50 KB less to parse on every cold start.
  // axios likewise: fc2 calls it only to refresh STS keys for its ali-oss uploads (lib/client.js), and with axios goes
  // follow-redirects (~30 KB together).
  'gitlab-webhook': { forbid: HEAVY_PACKAGES, stub: ['ali-oss', 'ws', 'axios'] },
  // yaml and smol-toml serve prewarm and reconcile only (CI files, helmfile, runner config.toml); backup, watchdog and
  // ping never touch them, so they load on first use like the clients (docs/adr/0015-cold-start.md).
  'ops-worker': { lazy: [...HEAVY_PACKAGES, 'yaml', 'smol-toml'] },
};

/** The functions the build produces: every `functions/<name>/handler.ts` (s.yaml `code: ./dist/<name>`). */
export function listFunctions(root = repoRoot()): string[] {
  const dir = join(root, 'functions');
  return readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, 'handler.ts')))
    .sort();
}

/** Size report of one function. `inputs` are the top contributors to `index.js`, by package or source file. */
export interface FunctionReport {
  name: string;
  bytes: number;
  inputs: Array<{ input: string; bytes: number }>;
  vendor: Array<{ pkg: string; file: string; bytes: number }>;
  problems: string[];
}

/** Group metafile inputs by npm package (or by source path for our code), largest first. */
export function topInputs(meta: Metafile, outfile: string, root: string, limit = 12): Array<{ input: string; bytes: number }> {
  // Metafile paths are relative to the build's absWorkingDir.
  const out = Object.entries(meta.outputs).find(([k]) => resolve(root, k) === resolve(outfile));
  const by = new Map<string, number>();
  for (const [path, v] of Object.entries(out?.[1].inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
    const key = pkg ?? path.replace(/^(lazy-vendor|stub):/, '$1 ');
    by.set(key, (by.get(key) ?? 0) + v.bytesInOutput);
  }
  return [...by.entries()].map(([input, bytes]) => ({ input, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, limit);
}

/** Heavy packages found among a metafile's inputs (shims and stubs do not count: they are not the package). */
export function leakedPackages(meta: Metafile, pkgs: readonly string[]): string[] {
  const inputs = Object.keys(meta.inputs);
  return pkgs.filter((p) => inputs.some((i) => i.includes(`node_modules/${p}/`)));
}

/** Build the given functions into `outDir`; returns one report per function (problems listed, not thrown). */
export async function buildFunctions(opts: { root?: string; outDir?: string; names?: string[] } = {}): Promise<FunctionReport[]> {
  const root = opts.root ?? repoRoot();
  const outDir = opts.outDir ?? join(root, 'dist');
  const names = opts.names ?? listFunctions(root);
  // Per process: two builds into one dist/ (engineers sharing a tree) must not delete each other's chunks.
  const vendorCache = join(outDir, `.vendor-${process.pid}`);
  const chunks = new Map<string, VendorChunk>();
  const reports: FunctionReport[] = [];
  for (const name of names) {
    const rules = FUNCTION_RULES[name] ?? { lazy: HEAVY_PACKAGES };
    const entry = join(root, 'functions', name, 'handler.ts');
    const imported = await findImported(entry, rules.lazy ?? [], root);
    for (const pkg of imported) if (!chunks.has(pkg)) chunks.set(pkg, await buildVendorChunk(pkg, vendorCache, root));
    const fnDir = join(outDir, name);
    rmSync(fnDir, { recursive: true, force: true });
    const outfile = join(fnDir, 'index.js');
    const used = new Set<string>();
    const lazy = new Map([...chunks].filter(([p]) => imported.has(p)));
    const res = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      sourcemap: true,
      metafile: true,
      external: OPTIONAL_EXTERNALS,
      plugins: [zodEnglishOnlyPlugin(), fc2NativeAsyncPlugin(), lazyVendorPlugin(lazy, used), stubPlugin(rules.stub ?? [], `kept out of ${name} (scripts/build.ts)`)],
      outfile,
      logLevel: 'error',
    });
    const vendor = [...used].map((pkg) => {
      const c = chunks.get(pkg)!;
      mkdirSync(join(fnDir, 'vendor'), { recursive: true });
      for (const f of [c.file, `${c.file}.map`]) copyFileSync(join(vendorCache, f), join(fnDir, 'vendor', f));
      return { pkg, file: `vendor/${c.file}`, bytes: statSync(join(fnDir, 'vendor', c.file)).size };
    });
    // The repo's package.json says "type": "module"; without this marker node would load the CJS bundle as ESM
    // locally. In FC the code root has no package.json and .js is CJS anyway.
    writeFileSync(join(fnDir, 'package.json'), '{ "type": "commonjs" }\n');
    const bytes = statSync(outfile).size;
    const problems: string[] = [];
    if (bytes > MAX_BUNDLE_BYTES) problems.push(`${name}/index.js is ${kb(bytes)}, over the ${kb(MAX_BUNDLE_BYTES)} cap`);
    const leaked = leakedPackages(res.metafile, rules.forbid ?? []);
    if (leaked.length) problems.push(`${name} bundles ${leaked.join(', ')}; keep heavy clients out of it`);
    reports.push({ name, bytes, inputs: topInputs(res.metafile, outfile, root), vendor, problems });
  }
  rmSync(vendorCache, { recursive: true, force: true });
  return reports;
}

/**
 * zod 4's `z` namespace re-exports all ~50 locales (about 250 KB minified) although only `en`, the default, is used;
 * every cold start would parse them. Swap the locales barrel for one that exports `en` alone.
 */
export function zodEnglishOnlyPlugin(): Plugin {
  return {
    name: 'zod-en-only',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        /node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-en' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
        contents: `export { default as en } from ${JSON.stringify(args.path)};`,
        resolveDir: dirname(args.path),
        loader: 'js',
      }));
    },
  };
}

/**
 * @alicloud/fc2's index.js picks `lib/client.js` when the runtime has async functions (every Node we run) and the
 * babel `es5/` build otherwise; a bundler sees both requires and keeps both, so the bundle carried the never-run es5
 * copy plus regenerator-runtime (~40 KB). Resolve the package to the file index.js would pick.
 */
export function fc2NativeAsyncPlugin(): Plugin {
  return {
    name: 'fc2-native-async',
    setup(b) {
      b.onResolve({ filter: /^@alicloud\/fc2$/ }, async (args) => {
        const res = await b.resolve('@alicloud/fc2/lib/client.js', { kind: args.kind, resolveDir: args.resolveDir });
        return res.errors.length ? undefined : { path: res.path };
      });
    },
  };
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** Human-readable report lines. */
export function formatReport(reports: FunctionReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.name}/index.js  ${kb(r.bytes)}`);
    for (const i of r.inputs) lines.push(`  ${kb(i.bytes).padStart(10)}  ${i.input}`);
    for (const v of r.vendor) lines.push(`  lazy ${v.file}  ${kb(v.bytes)}  (${v.pkg}, loaded on first use)`);
    for (const p of r.problems) lines.push(`  ERROR ${p}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const root = repoRoot();
  const reports = await buildFunctions({ root });
  process.stdout.write(formatReport(reports) + '\n');
  writeFileSync(join(root, 'dist', 'size-report.json'), JSON.stringify({ maxBundleBytes: MAX_BUNDLE_BYTES, functions: reports }, null, 2) + '\n');
  process.stdout.write(`size report: ${relative(process.cwd(), join(root, 'dist', 'size-report.json'))}\n`);
  if (reports.some((r) => r.problems.length > 0)) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
