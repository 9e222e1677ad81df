import { pathToFileURL } from 'node:url';
import { startGitlabEmulator } from '#local/gitlab/index';
import { startRemoteHost } from '#local/gitlab/remote-host';
import { clearParseCache, discoverImages, predefinedVariables } from '#shared/ci/index';
import { createRemoteReader } from '#shared/ci/remote-reader';
import { createCiFileSource, createGitlabPort } from '#shared/gitlab/api/index';
import { fixtureNames, loadFixture } from '../test/integration/ci/fixture-corpus';
import { corpusInstance } from '../test/integration/gitlab/corpus-instance';
import { median, r1, writeResult } from './lib/stats';

/**
 * What discovery costs through GitLab's CI Lint (`merged_yaml`, `lint: 'prefer'`) against our own include resolution
 * (`local`) and the shipped policy (`fallback`: lint only when our resolution leaves a gap), per fixture of
 * test/fixtures/ci, through the real port against the emulator: GitLab requests (exact) and wall time with a
 * simulated round trip per request (`BENCH_RTT_MS`, default 20 ms; GITLAB_CONCURRENCY 4). GitLab's own server-side
 * lint time is not modelled (the emulator answers in < 1 ms), so lint's real cost is higher: see ADR 0019.
 */
type Mode = 'lint' | 'local' | 'fallback';
export interface LintVsLocalRow {
  fixture: string;
  lintValid: boolean;
  requests: Record<Mode, number>;
  wallMs: Record<Mode, number>;
}

export async function run(rounds = Number(process.env.BENCH_ROUNDS ?? 5), rttMs = Number(process.env.BENCH_RTT_MS ?? 20)): Promise<LintVsLocalRow[]> {
  const corpus = corpusInstance();
  const remote = await startRemoteHost(corpus.remote);
  const token = 'glpat-bench';
  const gl = await startGitlabEmulator({ token, projects: corpus.projects, templates: corpus.templates, remote: { ca: remote.ca, connect: remote.connect } });
  const port = createGitlabPort({ url: gl.url, token, concurrency: 4 });
  const hosts = [...new Set(Object.keys(corpus.remote).map((u) => `${new URL(u).origin}/`))];
  const readRemote = createRemoteReader({ allowlist: hosts, ca: remote.ca, connect: remote.connect });
  if (rttMs > 0) gl.faults.add({ latencyMs: rttMs });
  const u = new URL(gl.url);
  const rows: LintVsLocalRow[] = [];
  try {
    for (const name of fixtureNames()) {
      const { expected } = loadFixture(name);
      const p = await port.getProject(corpus.projectOf[name]!);
      const facts = predefinedVariables({ projectPath: p.path_with_namespace, defaultBranch: p.default_branch!, serverHost: u.hostname, serverPort: Number(u.port) });
      const server = Object.fromEntries(Object.entries(facts).filter(([k]) => k.startsWith('CI_SERVER_')));
      const row: LintVsLocalRow = { fixture: name, lintValid: false, requests: { lint: 0, local: 0, fallback: 0 }, wallMs: { lint: 0, local: 0, fallback: 0 } };
      for (const mode of ['lint', 'local', 'fallback'] as const) {
        const walls: number[] = [];
        for (let i = 0; i < rounds; i++) {
          clearParseCache();
          const source = createCiFileSource(port, p.id, p.default_branch!, { readRemote, lint: mode !== 'local' });
          const before = gl.requests().length;
          const t0 = performance.now();
          await discoverImages({
            path: '.gitlab-ci.yml', source, variables: expected.input?.variables ?? {},
            predefined: { ...facts, ...expected.input?.predefined, ...server }, limits: { remoteAllowlist: hosts }, lint: mode === 'lint' ? 'prefer' : 'fallback',
          });
          walls.push(performance.now() - t0);
          row.requests[mode] = gl.requests().length - before;
        }
        row.wallMs[mode] = r1(median(walls));
      }
      row.lintValid = (await port.lintMerged(p.id, loadFixture(name).content))?.valid ?? false;
      rows.push(row);
    }
  } finally {
    await gl.close();
    await remote.close();
  }
  const sum = (f: (r: LintVsLocalRow) => number): number => r1(rows.reduce((n, r) => n + f(r), 0));
  for (const r of rows) {
    const f = (x: Record<Mode, number>): string => `${x.lint}/${x.local}/${x.fallback}`;
    process.stdout.write(`lint-vs-local ${r.fixture.padEnd(20)} lint ${r.lintValid ? 'valid  ' : 'INVALID'}  requests ${f(r.requests)}  wall ${f(r.wallMs)} ms\n`);
  }
  const t = (k: 'requests' | 'wallMs'): string => (['lint', 'local', 'fallback'] as const).map((m) => sum((r) => r[k][m])).join('/');
  process.stdout.write(`lint-vs-local total (lint/local/fallback, RTT ${rttMs} ms): requests ${t('requests')}, wall ${t('wallMs')} ms\n`);
  await writeResult('lint-vs-local', { rounds, rttMs, rows });
  return rows;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await run();
}
