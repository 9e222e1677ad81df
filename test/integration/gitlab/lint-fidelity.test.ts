import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitlabEmulator, type GitlabEmulator } from '#local/gitlab/index';
import { startRemoteHost, type RemoteHost } from '#local/gitlab/remote-host';
import { discoverImages, predefinedVariables, type CiDiscovery } from '#shared/ci/index';
import { createRemoteReader } from '#shared/ci/remote-reader';
import { createCiFileSource, createGitlabPort, type GitlabPort } from '#shared/gitlab/api/index';
import { fixtureNames, loadFixture } from '../ci/fixture-corpus';
import { corpusInstance, type CorpusInstance } from './corpus-instance';

/**
 * Every fixture of test/fixtures/ci through the emulated GitLab and the real port, twice: once with GitLab's CI Lint
 * `merged_yaml` (POST /projects/:id/ci/lint) and once with our own include resolution (lint switched off). Both
 * must find the same jobs and images. Remote includes: our allowlist covers every served host, so both paths see
 * the same files (with lint, GitLab itself fetches remote includes, allowlist or not).
 */
const TOKEN = 'glpat-lint-fidelity';
// GitLab refuses these configurations, so discovery falls back to its own resolution (the images still agree).
const LINT_REFUSES: Record<string, RegExp> = {
  'broken-includes': /^Local file `ci\/missing\.yml` does not exist!$/,
  'spec-inputs': /`image` input: required value has not been provided$/,
  // `types:` was removed from GitLab's root keywords (Entry::Root::ALLOWED_KEYS), so it is read as a job.
  'legacy-global': /^jobs types config should implement the script:, run:, or trigger: keyword$/,
};
let corpus: CorpusInstance;
let gl: GitlabEmulator;
let remote: RemoteHost;
let port: GitlabPort;

beforeAll(async () => {
  corpus = corpusInstance();
  remote = await startRemoteHost(corpus.remote);
  gl = await startGitlabEmulator({ token: TOKEN, projects: corpus.projects, templates: corpus.templates, remote: { ca: remote.ca, connect: remote.connect } });
  port = createGitlabPort({ url: gl.url, token: TOKEN });
});
afterAll(async () => {
  await gl?.close();
  await remote?.close();
});

interface Run {
  d: CiDiscovery;
  /** What GitLab's lint answered (undefined when lint was not asked). */
  lint?: { valid: boolean; errors: string[] };
  requests: number;
}

async function discover(name: string, useLint: boolean): Promise<Run> {
  const { expected } = loadFixture(name);
  const p = await port.getProject(corpus.projectOf[name]!);
  const hosts = [...new Set(Object.keys(corpus.remote).map((u) => new URL(u).origin))].map((o) => `${o}/`);
  const readRemote = createRemoteReader({ allowlist: hosts, ca: remote.ca, connect: remote.connect });
  const source = createCiFileSource(port, p.id, p.default_branch!, { readRemote, lint: useLint });
  const run: Run = { d: undefined as unknown as CiDiscovery, requests: 0 };
  if (useLint) {
    source.lintMerged = async (content) => {
      const r = await port.lintMerged(p.id, content, p.default_branch!);
      run.lint = { valid: r?.valid ?? false, errors: r?.errors ?? [] };
      return r?.valid ? r.mergedYaml : undefined;
    };
  }
  const u = new URL(gl.url);
  const facts = predefinedVariables({ projectPath: p.path_with_namespace, defaultBranch: p.default_branch!, serverHost: u.hostname, serverPort: Number(u.port) });
  const server = Object.fromEntries(Object.entries(facts).filter(([k]) => k.startsWith('CI_SERVER_')));
  const before = gl.requests().length;
  run.d = await discoverImages({
    path: '.gitlab-ci.yml', source, variables: expected.input?.variables ?? {}, predefined: { ...facts, ...expected.input?.predefined, ...server },
    ...(expected.input?.defaultImage ? { defaultImage: expected.input.defaultImage } : {}), limits: { remoteAllowlist: hosts }, lint: 'prefer',
  });
  run.requests = gl.requests().length - before;
  return run;
}

const jobs = (d: CiDiscovery): Record<string, string[]> => Object.fromEntries(d.jobs.map((j) => [j.name, j.images]));

describe('discovery through GitLab lint and through local resolution agree on every fixture', () => {
  it.each(fixtureNames())('%s', async (name) => {
    const viaLint = await discover(name, true);
    const local = await discover(name, false);
    const refusal = LINT_REFUSES[name];
    if (refusal) {
      expect(viaLint.lint?.valid).toBe(false);
      expect(viaLint.lint?.errors.join('\n')).toMatch(refusal);
    } else expect(viaLint.lint).toEqual({ valid: true, errors: [] });
    expect(viaLint.d.images).toEqual(local.d.images);
    expect(jobs(viaLint.d)).toEqual(jobs(local.d));
    expect(viaLint.d.images.length).toBeGreaterThan(0);
  });
});
