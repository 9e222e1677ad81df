import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, resolve, isAbsolute } from 'node:path';
import { AppError } from '#shared/errors/index';
import { discoverImages, type CiDiscovery, type CiFileSource } from '#shared/ci/index';
import type { CliCommand, CliIo } from './index';

/**
 * A `CiFileSource` for files on disk: local includes resolve relative to `root` (the CI file's directory stands in
 * for the repository root) and may not leave it; everything that needs GitLab is reported as unresolved.
 */
export function diskCiSource(root: string): CiFileSource {
  const offline = (what: string) => (): Promise<never> => Promise.reject(new AppError('NOT_SUPPORTED', `${what} needs a GitLab connection (offline CLI)`));
  return {
    async readLocal(path) {
      const file = resolve(root, path.replace(/^\/+/, ''));
      const rel = relative(root, file);
      if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
      try {
        if (!(await stat(file)).isFile()) return undefined;
        return await readFile(file, 'utf8');
      } catch {
        return undefined; // unreadable counts as missing; discovery reports it for this file
      }
    },
    readProject: offline('include:project'),
    readTemplate: offline('include:template'),
    readRemote: offline('include:remote'),
  };
}

/** Discover one file from disk; a file that cannot be read becomes a discovery with one error. */
export async function discoverFile(file: string, cwd: string): Promise<CiDiscovery> {
  const abs = resolve(cwd, file);
  let content: string;
  try {
    content = await readFile(abs, 'utf8');
  } catch (e) {
    const message = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `read failed: ${(e as Error).message}`;
    return { file, jobs: [], images: [], unresolved: [], errors: [{ file, message }] };
  }
  const d = await discoverImages({ path: file, content, source: diskCiSource(dirname(abs)) });
  return d;
}

function text(d: CiDiscovery): string {
  const lines = [`${d.file}`];
  const width = Math.min(40, Math.max(8, ...d.jobs.map((j) => j.name.length)));
  for (const j of d.jobs) lines.push(`  ${j.name.padEnd(width)}  ${j.images.join(', ') || '-'}`);
  lines.push(`  images (${d.images.length}):`, ...d.images.map((i) => `    ${i}`));
  if (d.unresolved.length) lines.push('  unresolved:', ...d.unresolved.map((u) => `    ${u.job}  ${u.ref || '-'}  (${u.reason})`));
  if (d.errors.length) lines.push('  errors:', ...d.errors.map((e) => `    ${e.file}: ${e.message}`));
  return lines.join('\n');
}

/** `images [--json] FILE...` — image discovery on local CI files (ARCHITECTURE.md "CLI"). Exit 1 if a file had errors. */
export const imagesCommand: CliCommand = {
  name: 'images',
  usage: 'images [--json] FILE...',
  summary: 'list the images each CI job pod pulls (local includes only)',
  async run(args: string[], io: CliIo): Promise<number> {
    const json = args.includes('--json');
    const unknown = args.filter((a) => a.startsWith('-') && a !== '--json');
    const files = args.filter((a) => !a.startsWith('-'));
    if (unknown.length || files.length === 0) {
      io.err(`${unknown.length ? `unknown option ${unknown.join(' ')}\n` : ''}usage: npm run -s ops -- images [--json] FILE...`);
      return 2;
    }
    const results: CiDiscovery[] = [];
    for (const f of files) results.push(await discoverFile(f, io.cwd));
    if (json) {
      const out = results.map((d) => ({
        file: d.file,
        jobs: d.jobs.map((j) => ({ name: j.name, images: j.images })),
        images: d.images,
        unresolved: d.unresolved,
        errors: d.errors,
      }));
      io.out(JSON.stringify({ files: out }, null, 2));
    } else {
      io.out(results.map(text).join('\n\n'));
    }
    return results.some((d) => d.errors.length > 0) ? 1 : 0;
  },
};
