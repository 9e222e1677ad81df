/**
 * Regenerates bundled-infra.ts from infra/ (the files the reconciler reads), so the FC bundle carries the default
 * desired state without a loader or a copy step: `npx tsx shared/reconcile/bundle-infra.ts`. A unit test fails when
 * the two differ.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../infra/', import.meta.url));
const OUT = fileURLToPath(new URL('./bundled-infra.ts', import.meta.url));

/** infra/ files the reconciler reads: the kustomization, what it lists, and helmfile.yaml. */
export async function infraFiles(root = ROOT): Promise<Record<string, string>> {
  const kust = await readFile(`${root}k8s/kustomization.yaml`, 'utf8');
  const files: Record<string, string> = { 'k8s/kustomization.yaml': kust };
  for (const r of (parse(kust) as { resources: string[] }).resources) files[`k8s/${r}`] = await readFile(`${root}k8s/${r}`, 'utf8');
  files['helmfile.yaml'] = await readFile(`${root}helmfile.yaml`, 'utf8');
  return files;
}

/** The module text for `files`. */
export function renderBundle(files: Record<string, string>): string {
  return [
    '// GENERATED – edit infra/ and run `npx tsx shared/reconcile/bundle-infra.ts`.',
    '/** The bundled default desired state (infra/), by path relative to infra/. */',
    `export const BUNDLED_INFRA: Readonly<Record<string, string>> = ${JSON.stringify(files, null, 2)};`,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(OUT, renderBundle(await infraFiles()));
}
