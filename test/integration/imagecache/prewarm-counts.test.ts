import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrewarmReport } from '#shared/imagecache/run-prewarm';
import { startHarness, type Harness } from './prewarm-harness';

/**
 * The run's summary and its message give the same size, counted one way: pod sets merged by content. Two projects
 * with the same job pod set, plus the runner pod and the baseline: 4 pod sets as discovered, 3 distinct.
 */
const ci = 'build:\n  image: maven:3.9\n  script: [mvn package]\n';
let h: Harness;
beforeAll(async () => {
  h = await startHarness([
    { path: 'g/one', files: { '.gitlab-ci.yml': ci } },
    { path: 'g/two', files: { '.gitlab-ci.yml': ci } },
  ]);
});
afterAll(() => h.close());

/** The size phrase of a summary: what precedes its first colon (after `dry run: `). */
const size = (summary: string): string => summary.replace(/^dry run: /, '').split(':')[0]!;

describe('prewarm counts: summary and message agree', () => {
  it('a dry run (told with notify): one size, and the planned steps, in both', async () => {
    const dry = await h.request({ action: 'prewarm', dryRun: true, notify: true });
    expect(size(dry.summary)).toMatch(/^3 distinct pod sets in \d+ caches?$/);
    expect((dry.report as PrewarmReport).projects.map((p) => p.podSets)).toEqual([1, 1]);
    const mail = h.mails.at(-1)!;
    expect(mail.subject).toMatch(/DRY RUN/);
    expect(mail.text).toContain(`${size(dry.summary)} (full walk`);
    const planned = /(\d+) step\(s\) planned/.exec(dry.summary)![1];
    expect(mail.subject).toContain(`${planned} step(s) planned`);
  });

  it('a real run: the same size in both', async () => {
    const mails = h.mails.length;
    const r = await h.prewarm();
    expect(r.status).toBe('changed');
    expect(h.mails).toHaveLength(mails + 1);
    expect(size(r.summary)).toMatch(/^3 distinct pod sets in \d+ caches?$/);
    expect(h.mails.at(-1)!.text).toContain(`${size(r.summary)} (full walk`);
  });
});
