import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedProject, SeedVariable } from '#local/gitlab/types';
import { CORPUS, corpusProjects, fixtureNames, listTree, loadFixture, projectDir } from '../ci/fixture-corpus';

/** The fixture corpus as one GitLab instance: a project per fixture, `_projects/`, `_templates/`, `_remote/`. */
export interface CorpusInstance {
  projects: SeedProject[];
  templates: Record<string, string>;
  /** `https://<host>/<path>` → content, for the remote stand-in. */
  remote: Record<string, string>;
  /** Fixture name → the project that holds it. */
  projectOf: Record<string, string>;
}

const read = (dir: string): Record<string, string> => Object.fromEntries(listTree(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

/**
 * Seed the emulator with the corpus. A fixture's project path is its `CI_PROJECT_PATH` when the fixture names one
 * (includes may use it), else `fixtures/<name>`; its project variables are the fixture's `input.variables`.
 */
export function corpusInstance(): CorpusInstance {
  const projectOf: Record<string, string> = {};
  const projects: SeedProject[] = fixtureNames().map((name) => {
    const { expected } = loadFixture(name);
    const path = expected.input?.predefined?.CI_PROJECT_PATH ?? `fixtures/${name}`;
    projectOf[name] = path;
    const variables: SeedVariable[] = Object.entries(expected.input?.variables ?? {}).map(([key, value]) => ({ key, value }));
    const files = read(join(CORPUS, name));
    delete files['expected.json'];
    return { path, files, variables };
  });
  for (const [path, p] of Object.entries(corpusProjects())) {
    const tags = Object.fromEntries((p.tags ?? []).map((t) => [t, read(projectDir(path, t))]));
    projects.push({ path, files: read(projectDir(path, undefined)), tags, releases: p.releases ?? [], ...(p.catalog ? { catalog: true } : {}) });
  }
  const templates = Object.fromEntries(Object.entries(read(join(CORPUS, '_templates'))).map(([f, c]) => [f.replace(/\.gitlab-ci\.yml$/, ''), c]));
  const remote = Object.fromEntries(Object.entries(read(join(CORPUS, '_remote'))).map(([f, c]) => [`https://${f}`, c]));
  return { projects, templates, remote, projectOf };
}
