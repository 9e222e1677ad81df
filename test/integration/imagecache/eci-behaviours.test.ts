import { afterEach, describe, expect, it } from 'vitest';
import { javaDemo } from '#local/gitlab/index';
import { ECI_FAILURE_SHAPES, ECI_PROGRESS_PHASES, type EciFailureShape, type EciProgressPhase } from '#local/kube/eci-controller';
import type { PrewarmReport } from '#shared/imagecache/run-prewarm';
import { checkCaches } from '#shared/reconcile/check-caches';
import { startHarness, type Harness } from './prewarm-harness';

/**
 * Only phase `Ready` of an ImageCache is documented; the progress phase and the shape of a failure are not. The
 * emulator has a switch per plausible behaviour, and the product's prewarm runs under every combination: a good
 * change ends Ready, an unpullable image is reported failed with the cause ECI gives (the Warning event naming the
 * image, or — when ECI gives none — the expiry that marks the failure), the cache it would have replaced is kept,
 * and reconcile's summary line counts it as failed.
 */
const service = { path: 'team/api', files: { '.gitlab-ci.yml': 'test:\n  image: maven:3.9-eclipse-temurin-21\n  services: [postgres:16]\n  script: [mvn test]\n' } };
const combos: Array<[EciProgressPhase, EciFailureShape]> = ECI_PROGRESS_PHASES.flatMap((p) => ECI_FAILURE_SHAPES.map((f) => [p, f] as [EciProgressPhase, EciFailureShape]));

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(combos)('prewarm under ECI progress phase %j and failure shape %s', (progressPhase, failure) => {
  it('goes Ready, reports a failed cache with its cause, keeps what it would replace', async () => {
    h = await startHarness([javaDemo, service], { unpullable: ['bad.registry.example/'], eci: { progressPhase, failure } });
    const first = await h.prewarm();
    expect(first.status).toBe('changed');
    expect((await h.caches()).every((c) => c.status?.phase === 'Ready' && c.status.expireDateTime)).toBe(true);

    const before = (await h.caches()).find((c) => c.spec.images.includes('postgres:16'))!.metadata.name;
    h.gl.push('team/api', { branch: 'main', files: { '.gitlab-ci.yml': service.files['.gitlab-ci.yml'].replace('postgres:16', 'bad.registry.example/pg:17') }, message: 'bad' });
    const r = await h.prewarm({ projects: [2] });
    expect(r.status).toBe('degraded');
    const failed = r.done.find((d) => d.outcome === 'failed')!;
    if (failure === 'failed-no-events') expect(failed.detail).toMatch(/no failure event reported; ECI removes it at \d{4}-/);
    else expect(failed.detail).toMatch(/^Failed to pull image "bad\.registry\.example\/pg:17"/);
    expect(r.done.find((d) => d.step.target === before)).toMatchObject({ outcome: 'blocked', detail: expect.stringMatching(/failed; kept/) });
    expect((await h.caches()).map((c) => c.metadata.name)).toContain(before);
    expect((r.report as PrewarmReport).apply?.pending).toEqual([]);

    const line = checkCaches(await h.caches());
    expect(line.state).toBe('Degraded');
    expect(line.reasons[0]).toMatch(/^1 of \d+ ImageCache\(s\) Failed/);
  });
});
