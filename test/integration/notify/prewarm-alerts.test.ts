import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javaDemo } from '#local/gitlab/index';
import type { PrewarmReport } from '#shared/imagecache/run-prewarm';
import { startHarness, type Harness } from '../imagecache/prewarm-harness';

const api = { path: 'team/api', files: { '.gitlab-ci.yml': 'test:\n  image: maven:3.9-eclipse-temurin-21\n  services: [postgres:16]\n  script: [mvn test]\n' } };
const ci = (pg: string) => api.files['.gitlab-ci.yml'].replace('postgres:16', pg);

/** Prewarm through the worker (GitLab + kube emulators; alert state in the kube emulator's ConfigMap). */
describe('prewarm: created caches are events, a failing cache is a condition', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([javaDemo, api], { unpullable: ['bad.registry.example/'] });
  });
  afterAll(() => h.close());

  it('first run creates caches: one message', async () => {
    await h.prewarm();
    expect(h.mails).toHaveLength(1);
  });

  it('an image that cannot be pulled: told on the run that finds it, silent on the runs after, resolved once fixed', async () => {
    h.gl.push('team/api', { branch: 'main', files: { '.gitlab-ci.yml': ci('bad.registry.example/pg:17') }, message: 'bad' });
    const first = await h.prewarm({ projects: [2] });
    expect(first.status).toBe('degraded');
    expect(h.mails).toHaveLength(2);
    expect(h.mails[1]!.subject).toMatch(/^⚠️ WARN prewarm team\/api: 1 failed, 1 blocked — Failed to pull image/);
    expect((first.report as PrewarmReport & { notify: { findings: { new: number } } }).notify.findings.new).toBeGreaterThan(0);
    // Without RUNBOOK_URL the fix names the runbook by its repository path.
    expect(h.mails[1]!.text).toContain('\nRunbook: docs/operations.md#prewarm-imagecaches');
    for (let i = 0; i < 3; i++) {
      const again = await h.prewarm({ projects: [2] });
      expect(again.status).toBe('degraded');
      expect((again.report as { notify: { told: boolean; skipped?: string } }).notify).toMatchObject({ told: false, skipped: expect.stringMatching(/^nothing new/) });
    }
    expect(h.mails).toHaveLength(2);
    h.gl.push('team/api', { branch: 'main', files: { '.gitlab-ci.yml': ci('postgres:17') }, message: 'fix' });
    await h.prewarm({ projects: [2] });
    expect(h.mails).toHaveLength(3);
    expect(h.mails[2]!.subject).toMatch(/^✅ OK prewarm team\/api: 1 created, 2 deleted, 1 resolved — caches Ready$/);
    expect(h.mails[2]!.text).toMatch(/Resolved\n-+\n/);
    await h.prewarm({ projects: [2] });
    expect(h.mails).toHaveLength(3);
  });
});

describe('prewarm: the fix links the runbook where RUNBOOK_URL publishes docs/operations.md', () => {
  const RUNBOOK_URL = 'https://gitlab.example.com/ops/gitlab-ask-ops/-/blob/main/docs/operations.md';
  // Line 2 opens a flow sequence that a block sequence item cannot be inside: a CI config that does not parse.
  const broken = { path: 'team/broken', files: { '.gitlab-ci.yml': 'test:\n  script: [\n    - mvn test\n' } };
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([broken], { env: { RUNBOOK_URL } });
  });
  afterAll(() => h.close());

  it('a broken CI config is told with the published runbook anchor, not the repository path', async () => {
    await h.prewarm();
    expect(h.mails).toHaveLength(1);
    expect(h.mails[0]!.text).toContain(`\nRunbook: ${RUNBOOK_URL}#prewarm-imagecaches`);
    expect(h.mails[0]!.text).not.toContain('Runbook: docs/operations.md');
  });
});
