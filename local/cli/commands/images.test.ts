import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../registry';
import { imagesCommand } from './images';

const dir = mkdtempSync(join(tmpdir(), 'images-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), stdin: async () => '', env: {}, cwd: dir };
}

describe('images: YAML errors and --root', () => {
  it('names file:line:column of a YAML error (where the parser stopped), in the CI file and in a local include', async () => {
    writeFileSync(join(dir, 'broken.yml'), 'build:\n  image: maven\n  script: [a\n  bad: : x\n');
    writeFileSync(join(dir, 'main.yml'), 'include: sub.yml\nok:\n  image: alpine:3\n  script: [x]\n');
    writeFileSync(join(dir, 'sub.yml'), 'x:\n  script: [x]\n  image: "oops\n');
    const t = io();
    expect(await imagesCommand.run(['broken.yml', 'main.yml'], t)).toBe(1);
    const out = t.stdout.join('\n');
    expect(out).toMatch(/ {4}broken\.yml:4:3: YAML: Flow sequence/);
    expect(out).toMatch(/ {4}sub\.yml:4:1: YAML: Missing closing "quote/);
    const j = io();
    await imagesCommand.run(['--json', 'broken.yml'], j);
    expect(JSON.parse(j.stdout.join('')).files[0].errors[0]).toMatchObject({ file: 'broken.yml', line: 4, column: 3 });
  });

  it('--root DIR resolves include:local against the repository root, not the file\'s directory', async () => {
    mkdirSync(join(dir, 'repo/ci'), { recursive: true });
    mkdirSync(join(dir, 'repo/sub'), { recursive: true });
    writeFileSync(join(dir, 'repo/ci/jobs.yml'), 'lint:\n  image: golangci/golangci-lint:v1.64.8\n  script: [x]\n');
    writeFileSync(join(dir, 'repo/sub/.gitlab-ci.yml'), 'include:\n  - local: /ci/jobs.yml\n');
    const byFile = io();
    expect(await imagesCommand.run(['--json', 'repo/sub/.gitlab-ci.yml'], byFile)).toBe(1);
    expect(JSON.parse(byFile.stdout.join('')).files[0].errors[0].message).toMatch(/not found|missing/i);
    const byRoot = io();
    expect(await imagesCommand.run(['--json', '--root', 'repo', 'repo/sub/.gitlab-ci.yml'], byRoot)).toBe(0);
    expect(JSON.parse(byRoot.stdout.join('')).files[0].images).toEqual(['golangci/golangci-lint:v1.64.8']);
    const bad = io();
    expect(await imagesCommand.run(['--root', 'nope', 'repo/sub/.gitlab-ci.yml'], bad)).toBe(2);
    expect(bad.stderr.join('\n')).toContain('--root nope: not a directory');
  });
});
