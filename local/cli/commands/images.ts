import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, resolve, isAbsolute } from 'node:path';
import { AppError } from '#shared/errors/index';
import { discoverImages, type CiDiscovery, type CiFileSource } from '#shared/ci/index';
import { parseAllDocuments } from 'yaml';
import { str, UsageError } from '../args';
import { defineCommand } from '../registry';

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
export async function discoverFile(file: string, cwd: string, root?: string): Promise<CiDiscovery> {
  const abs = resolve(cwd, file);
  let content: string;
  try {
    content = await readFile(abs, 'utf8');
  } catch (e) {
    const message = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `read failed: ${(e as Error).message}`;
    return { file, jobs: [], images: [], unresolved: [], errors: [{ file, message }] };
  }
  const base = root ?? dirname(abs);
  const d = await discoverImages({ path: file, content, source: diskCiSource(base) });
  return { ...d, errors: await Promise.all(d.errors.map((e) => withPosition(e, e.file === file ? abs : resolve(base, e.file.replace(/^\/+/, ''))))) };
}

/** A YAML error gets the line and column of the first problem (discovery reports the message only). */
async function withPosition<E extends { file: string; message: string }>(e: E, path: string): Promise<E & { line?: number; column?: number }> {
  if (!e.message.startsWith('YAML:')) return e;
  try {
    const docs = parseAllDocuments(await readFile(path, 'utf8'), { merge: true, uniqueKeys: false, prettyErrors: true });
    const pos = (Array.isArray(docs) ? docs : []).flatMap((d) => d.errors)[0]?.linePos?.[0];
    return pos ? { ...e, line: pos.line, column: pos.col } : e;
  } catch {
    return e; // unreadable now: keep the message without a position
  }
}

const where = (e: { file: string; line?: number; column?: number }): string => (e.line ? `${e.file}:${e.line}:${e.column}` : e.file);

function text(d: CiDiscovery): string {
  const lines = [`${d.file}`];
  const width = Math.min(40, Math.max(8, ...d.jobs.map((j) => j.name.length)));
  for (const j of d.jobs) lines.push(`  ${j.name.padEnd(width)}  ${j.images.join(', ') || '-'}`);
  lines.push(`  images (${d.images.length}):`, ...d.images.map((i) => `    ${i}`));
  if (d.unresolved.length) lines.push('  unresolved:', ...d.unresolved.map((u) => `    ${u.job}  ${u.ref || '-'}  (${u.reason})`));
  if (d.errors.length) lines.push('  errors:', ...d.errors.map((e) => `    ${where(e)}: ${e.message}`));
  return lines.join('\n');
}

/**
 * `images [--json] [--root DIR] FILE...` — image discovery on local CI files (README "CLI"). Exit 1 if a file had
 * errors.
 */
export const imagesCommand = defineCommand({
  name: 'images',
  usage: '[--json] [--root DIR] FILE...',
  summary: 'list the images each CI job pod pulls (local includes only)',
  flags: [
    { name: '--json', summary: 'print {"files":[{"file","jobs","images","unresolved","errors"}]}' },
    { name: '--root', value: 'DIR', summary: 'repository root for include:local (default: each file\'s directory)' },
  ],
  details: 'include:project, include:template and include:remote need GitLab and are listed as unresolved.\nexit: 0 ok, 1 a file had errors, 2 usage error.',
  check: (a) => {
    if (a.positionals.length === 0) throw new UsageError('no FILE given');
  },
  async run({ args, io }) {
    const files = args.positionals;
    const rootArg = str(args, 'root');
    const root = rootArg === undefined ? undefined : resolve(io.cwd, rootArg);
    if (root !== undefined && !(await stat(root).then((s) => s.isDirectory(), () => false))) throw new UsageError(`--root ${rootArg}: not a directory`);
    const results: CiDiscovery[] = [];
    for (const f of files) results.push(await discoverFile(f, io.cwd, root));
    if (args.flags.json) {
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
});
