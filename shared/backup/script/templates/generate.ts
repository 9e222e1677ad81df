/**
 * Regenerates `backup-sh.ts` from `backup-head.sh` + `lock.sh` (shared with the restore script) + `backup-steps.sh` (one script, kept in two files under the
 * size limit): the template must travel inside the esbuild bundle of ops-worker, and a TS string module needs no
 * loader or file copy. Run `npx tsx shared/backup/script/templates/generate.ts` after editing either; a unit test
 * fails while they differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HEADER = '// GENERATED – edit shared/backup/script/templates/{backup-head,lock,backup-steps}.sh, then run\n// `npx tsx shared/backup/script/templates/generate.ts`.\n';

/** The TS module text for a bash template: a template literal with `\`, backquote and `${` escaped. */
export function toTsModule(sh: string): string {
  const body = sh.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  return `${HEADER}/** The bash template of the backup script (see backup-head.sh, lock.sh and backup-steps.sh for the commented source). */\nexport const BACKUP_SH_TEMPLATE = \`${body}\`;\n`;
}

/** Paths of the template and its generated module. */
export const templatePaths = {
  parts: ['./backup-head.sh', './lock.sh', './backup-steps.sh'].map((p) => fileURLToPath(new URL(p, import.meta.url))),
  ts: fileURLToPath(new URL('./backup-sh.ts', import.meta.url)),
};

/** The whole bash template: the parts, in order. */
export function readTemplate(): string {
  return templatePaths.parts.map((p) => readFileSync(p, 'utf8')).join('');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(templatePaths.ts, toTsModule(readTemplate()));
}
