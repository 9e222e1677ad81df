/**
 * Regenerates `restore-sh.ts` and `drill-sh.ts` from the templates: one restore procedure for the GitLab host and the
 * drill pod (docs/adr/0026), split into files under the size limit and concatenated here, so the shared steps are
 * written once. The host script takes the backup's lock (`lock.sh`, shared with the backup script). Run
 * `npx tsx shared/restore/script/templates/generate.ts` after editing any part; a unit test fails while they differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** The generated modules and the template parts each concatenates, in order. */
export const restoreTemplates = {
  restore: { ts: here('./restore-sh.ts'), constName: 'RESTORE_SH_TEMPLATE', parts: ['./restore-head.sh', '../../../backup/script/templates/lock.sh', './restore-host.sh', './restore-steps.sh'].map(here) },
  drill: { ts: here('./drill-sh.ts'), constName: 'DRILL_SH_TEMPLATE', parts: ['./restore-head.sh', './drill-boot.sh', './restore-steps.sh', './drill-counts.sh'].map(here) },
} as const;

/** The whole bash template of one script: its parts, in order. */
export function readRestoreTemplate(which: keyof typeof restoreTemplates): string {
  return restoreTemplates[which].parts.map((p) => readFileSync(p, 'utf8')).join('');
}

/** The TS module text for a template: a template literal with `\`, backquote and `${` escaped. */
export function toRestoreTsModule(which: keyof typeof restoreTemplates, sh: string): string {
  const t = restoreTemplates[which];
  const body = sh.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  const header = '// GENERATED – edit shared/restore/script/templates/*.sh (and shared/backup/script/templates/lock.sh), then run\n// `npx tsx shared/restore/script/templates/generate.ts`.\n';
  return `${header}/** The bash template of the ${which} script (see the .sh parts in this directory for the commented source). */\nexport const ${t.constName} = \`${body}\`;\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const which of Object.keys(restoreTemplates) as Array<keyof typeof restoreTemplates>) writeFileSync(restoreTemplates[which].ts, toRestoreTsModule(which, readRestoreTemplate(which)));
}
