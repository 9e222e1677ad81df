import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CiFileSource, DiscoverInput } from '#shared/ci/index';

/** Root of the CI fixture corpus: one folder per project, plus shared `_templates/`, `_projects/`, `_remote/`. */
export const CORPUS = fileURLToPath(new URL('../../fixtures/ci/', import.meta.url));

/** Hand-checked expectations of one fixture (`expected.json`). */
export interface Expected {
  source: string;
  input?: Pick<DiscoverInput, 'predefined' | 'variables' | 'defaultImage' | 'helperImage' | 'limits'>;
  images: string[];
  jobs: Record<string, string[]>;
  podSets?: Record<string, string[][]>;
  unresolved: [string, string][];
  errors: string[];
}

/** Fixture folders (names not starting with `_`). */
export function fixtureNames(): string[] {
  return readdirSync(CORPUS)
    .filter((n) => !n.startsWith('_') && statSync(join(CORPUS, n)).isDirectory())
    .sort();
}

const readIf = (file: string): string | undefined => (existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined);

/** Every file under `dir`, as `/`-separated paths relative to it (sorted). */
export function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else if (e.isFile()) out.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** A project under `_projects/` (see `_projects/projects.json`). */
export interface CorpusProject {
  tags?: string[];
  releases?: string[];
  catalog?: boolean;
}

/** `_projects/projects.json`: project path → tags, releases, catalog flag. */
export function corpusProjects(): Record<string, CorpusProject> {
  const raw = JSON.parse(readFileSync(join(CORPUS, '_projects', 'projects.json'), 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('$'))) as Record<string, CorpusProject>;
}

/** The folder holding `project` at `ref`: `_projects/<project>@<ref>/` when it exists, else `_projects/<project>/`. */
export function projectDir(project: string, ref: string | undefined): string {
  const versioned = ref ? join(CORPUS, '_projects', `${project}@${ref}`) : undefined;
  return versioned && existsSync(versioned) ? versioned : join(CORPUS, '_projects', project);
}

/** A source over the corpus: local files from the fixture folder, templates/projects/remote from the shared folders. */
export function corpusSource(name: string): CiFileSource {
  const dir = join(CORPUS, name);
  const projects = corpusProjects();
  return {
    readLocal: (p) => Promise.resolve(readIf(join(dir, p))),
    readProject: (project, ref, file) => Promise.resolve(readIf(join(projectDir(project, ref), file))),
    readTemplate: (t) => Promise.resolve(readIf(join(CORPUS, '_templates', t))),
    readRemote: (url) => Promise.resolve(readIf(join(CORPUS, '_remote', url.replace(/^https?:\/\//, '')))),
    listFiles: (project, ref) => Promise.resolve(listTree(project === undefined ? dir : projectDir(project, ref))),
    listReleases: (project) => {
      const p = projects[project];
      // A release's sha is not needed offline: the tag names the files.
      return Promise.resolve(p ? (p.releases ?? []).map((tag) => ({ tag, sha: tag })) : undefined);
    },
  };
}

/** The fixture's CI file and expectations. */
export function loadFixture(name: string): { content: string; expected: Expected } {
  return {
    content: readFileSync(join(CORPUS, name, '.gitlab-ci.yml'), 'utf8'),
    expected: JSON.parse(readFileSync(join(CORPUS, name, 'expected.json'), 'utf8')) as Expected,
  };
}
