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

/** A source over the corpus: local files from the fixture folder, templates/projects/remote from the shared folders. */
export function corpusSource(name: string): CiFileSource {
  const dir = join(CORPUS, name);
  return {
    readLocal: (p) => Promise.resolve(readIf(join(dir, p))),
    readProject: (project, _ref, file) => Promise.resolve(readIf(join(CORPUS, '_projects', project, file))),
    readTemplate: (t) => Promise.resolve(readIf(join(CORPUS, '_templates', t))),
    readRemote: (url) => Promise.resolve(readIf(join(CORPUS, '_remote', url.replace(/^https?:\/\//, '')))),
  };
}

/** The fixture's CI file and expectations. */
export function loadFixture(name: string): { content: string; expected: Expected } {
  return {
    content: readFileSync(join(CORPUS, name, '.gitlab-ci.yml'), 'utf8'),
    expected: JSON.parse(readFileSync(join(CORPUS, name, 'expected.json'), 'utf8')) as Expected,
  };
}
