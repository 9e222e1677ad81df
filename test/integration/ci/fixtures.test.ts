import { describe, it, expect } from 'vitest';
import { discoverImages } from '#shared/ci/index';
import { corpusSource, fixtureNames, loadFixture } from './fixture-corpus';

describe('CI image discovery over the fixture corpus', () => {
  it('has at least 15 fixtures', () => {
    expect(fixtureNames().length).toBeGreaterThanOrEqual(15);
  });

  it.each(fixtureNames())('%s matches its hand-checked expected.json', async (name) => {
    const { content, expected } = loadFixture(name);
    const d = await discoverImages({ path: '.gitlab-ci.yml', content, source: corpusSource(name), ...expected.input });

    expect(d.images).toEqual([...expected.images].sort());
    expect(d.images).toEqual([...d.images].sort());
    expect(d.images.every((i) => !i.includes('$'))).toBe(true);
    expect(Object.fromEntries(d.jobs.map((j) => [j.name, j.images]))).toEqual(expected.jobs);
    for (const [job, sets] of Object.entries(expected.podSets ?? {})) expect(d.jobs.find((j) => j.name === job)?.podSets).toEqual(sets);
    expect(d.unresolved.map((u) => [u.job, u.ref]).sort()).toEqual([...expected.unresolved].sort());
    expect([...new Set(d.errors.map((e) => e.file))].sort()).toEqual([...expected.errors].sort());
  });
});
