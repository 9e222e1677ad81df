/**
 * Regenerates one TS string module per bash template part (`lock.sh` → `lock-sh.ts` exporting `LOCK_SH`): the
 * scripts must travel inside the esbuild bundle of ops-worker, and a TS string module needs no loader or file copy.
 * The scripts are composed from the parts in TS (`backup-sh.ts`; `restore-sh.ts` and `drill-sh.ts` in
 * shared/restore/script/templates), so a part shared by two scripts (lock.sh; the restore head and steps) is one
 * string in the bundle. Run `npx tsx shared/backup/script/templates/generate.ts` after editing any `.sh` part; a unit
 * test fails while a generated module differs.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
/** The directories holding template parts. */
export const TEMPLATE_DIRS = ['shared/backup/script/templates', 'shared/restore/script/templates'].map((d) => join(REPO, d));

/** `restore-head.sh` → `RESTORE_HEAD_SH`. */
export const constName = (sh: string): string => basename(sh).replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();

/** The generated module of one part: its text as a template literal with `\`, backquote and `${` escaped. */
export function toShModule(shPath: string, sh: string): string {
  const body = sh.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  const src = relative(REPO, shPath);
  return `// GENERATED from ${src} – edit that file, then run \`npx tsx shared/backup/script/templates/generate.ts\`.\n/** The bash template part ${basename(shPath)} (commented source: ${src}). */\nexport const ${constName(shPath)} = \`${body}\`;\n`;
}

/** Every part and the path of its generated module (`x.sh` → `x-sh.ts` beside it). */
export function shParts(): Array<{ sh: string; ts: string }> {
  return TEMPLATE_DIRS.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.sh')).sort().map((f) => ({ sh: join(d, f), ts: join(d, f.replace(/\.sh$/, '-sh.ts')) })));
}

/** What each generated module must contain, from its part as it is now. */
export function expectedModules(): Array<{ ts: string; text: string }> {
  return shParts().map((p) => ({ ts: p.ts, text: toShModule(p.sh, readFileSync(p.sh, 'utf8')) }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const m of expectedModules()) writeFileSync(m.ts, m.text);
}
