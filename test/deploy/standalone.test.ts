import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './s-yaml';

/**
 * The repository stands on its own. Comments, docs and messages cite the primary source (a vendor doc URL, an upstream
 * repository path at a commit) or the project's own docs/, never notes a maintainer of this repository does not have.
 * The first two alternatives are the before-stop hook's pattern (`facts/<name>.md`, the seed folder). The others catch
 * the same citations in other forms: a bare "facts §n", a path on the machine the notes live on, and the architecture
 * and style briefs kept beside them. The patterns are assembled from pieces, so this file does not cite them itself.
 */
const FACTS = 'facts';
const SEED = ['shared', 'seed'].join('/');
const MACHINE = ['', 'work', 'shared'].join('/');
const DANGLING = new RegExp([String.raw`facts/[a-z0-9-]+\.md`, SEED, String.raw`\bfacts §\d`, MACHINE].join('|'));
const BRIEFS = ['ARCHITECTURE', 'STYLE'].map((name) => `${name}.md`);

/** Tracked files, without the installed packages and the lockfile. */
function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out
    .split('\0')
    .filter((f) => f !== '' && !f.split('/').includes('node_modules') && f !== 'package-lock.json')
    .filter((f) => existsSync(join(ROOT, f)));
}

/** `file:line: text` for every line that cites something outside the repository. */
function danglingCitations(files: readonly string[], read = (f: string) => readFileSync(join(ROOT, f), 'utf8')): string[] {
  const briefs = BRIEFS.filter((b) => !files.some((f) => f === b || f.endsWith(`/${b}`)));
  const brief = briefs.length ? new RegExp(`(^|[^\\w/.-])(${briefs.map((b) => b.replace('.', '\\.')).join('|')})\\b`) : undefined;
  const hits: string[] = [];
  for (const f of files) {
    const lines = read(f).split('\n');
    lines.forEach((line, i) => {
      if (DANGLING.test(line) || brief?.test(line)) hits.push(`${f}:${i + 1}: ${line.trim().slice(0, 160)}`);
    });
  }
  return hits;
}

describe('the repository stands on its own', () => {
  it('recognises the citations it forbids, and not the project’s own paths', () => {
    for (const bad of [`see ${FACTS}/alibaba.md §4`, `(${FACTS}/k8s-helm.md §2)`, `(${SEED}, "NAS PV")`, `(${FACTS} §1.2)`, `${MACHINE}/x`]) {
      expect(DANGLING.test(bad), bad).toBe(true);
    }
    for (const ok of ['docs/background.md', 'local/gitlab/seed/java-demo.ts', 'reconcile-seed.ts', 'the facts a person asks first']) {
      expect(DANGLING.test(ok), ok).toBe(false);
    }
    const text = `ok\n// forms are stable (${BRIEFS[0]} "CLI")\n// ${FACTS}/gitlab.md §1.4`;
    expect(danglingCitations(['a.ts'], () => text)).toEqual([`a.ts:2: // forms are stable (${BRIEFS[0]} "CLI")`, `a.ts:3: // ${FACTS}/gitlab.md §1.4`]);
    expect(danglingCitations(['a.ts', `docs/${BRIEFS[0]}`], (f) => (f === 'a.ts' ? text : ''))).toEqual([`a.ts:3: // ${FACTS}/gitlab.md §1.4`]);
  });

  it('no tracked file cites facts/*.md, the seed folder or another file outside the repository', () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(danglingCitations(files), 'cite the vendor doc URL or the upstream path at a commit, or put the fact in docs/').toEqual([]);
  });
});
