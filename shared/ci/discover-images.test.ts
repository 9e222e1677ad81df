import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { discoverImages } from './discover-images';
import { memoryCiSource } from './memory-ci-source';

describe('discoverImages', () => {
  it('resolves in GitLab order: includes, then extends, then !reference, then default', async () => {
    const src = memoryCiSource({ local: { 'tpl.yml': '.img:\n  image: base:1\n.svc:\n  services: [redis:7]\n' } });
    const content = 'include: tpl.yml\ndefault:\n  image: dflt:1\n.build:\n  extends: .img\n  services: !reference [.svc, services]\nb:\n  extends: .build\n  script: [x]\nc:\n  script: [x]\n';
    const d = await discoverImages({ path: '.gitlab-ci.yml', content, source: src });
    expect(d.jobs.map((j) => [j.name, j.images, j.imageSource])).toEqual([
      ['b', ['base:1', 'redis:7'], 'job'],
      ['c', ['dflt:1'], 'default'],
    ]);
  });

  it('reads the file through the source when no content is given, and discovers child pipelines', async () => {
    const src = memoryCiSource({
      local: {
        '.gitlab-ci.yml': 'variables:\n  NODE: "22"\nweb:\n  trigger:\n    include:\n      - local: web/.gitlab-ci.yml\n    strategy: depend\n',
        'web/.gitlab-ci.yml': 'test:\n  image: node:$NODE\n  script: [x]\n',
      },
    });
    const d = await discoverImages({ path: '.gitlab-ci.yml', source: src });
    expect(d.jobs).toEqual([{ name: 'web/test', images: ['node:22'], imageSource: 'job', unresolved: [] }]);
  });

  it("asks GitLab's lint only when its own include resolution leaves a gap, and then takes the whole merge", async () => {
    const lint = () => '---\n:include: []\n:build:\n  :image: merged:1\n  :script: [x]\n';
    const resolvable = memoryCiSource({ local: { 'a.yml': 'a:\n  image: own:1\n  script: [x]\n' }, lint });
    expect((await discoverImages({ path: '.gitlab-ci.yml', content: 'include: a.yml\n', source: resolvable })).images).toEqual(['own:1']);
    const gap = memoryCiSource({ lint });
    const d = await discoverImages({ path: '.gitlab-ci.yml', content: 'include: https://elsewhere.example/x.yml\n', source: gap });
    expect(d.images).toEqual(['merged:1']);
    expect(d.unresolved).toEqual([]);
  });

  it("prefers lint when told to (Ruby-symbol keys) and then fetches no include itself; `off` never asks", async () => {
    const src = memoryCiSource({ lint: () => '---\n:include: []\n:build:\n  :image: merged:1\n  :script: [x]\n' });
    const d = await discoverImages({ path: '.gitlab-ci.yml', content: 'include: a.yml\n', source: src, lint: 'prefer' });
    expect(d.images).toEqual(['merged:1']);
    expect(src.reads).toEqual([]);
    const off = await discoverImages({ path: '.gitlab-ci.yml', content: 'include: https://elsewhere.example/x.yml\n', source: src, lint: 'off' });
    expect(off.images).toEqual([]);
  });

  it('keeps its own resolution when lint has no answer or fails', async () => {
    for (const lint of [() => undefined, () => { throw new Error('429'); }]) {
      const src = memoryCiSource({ local: { 'a.yml': 'a:\n  image: own:1\n  script: [x]\n' }, lint });
      const d = await discoverImages({ path: '.gitlab-ci.yml', content: 'include: [a.yml, missing.yml]\n', source: src, lint: 'prefer' });
      expect(d.images).toEqual(['own:1']);
      const f = await discoverImages({ path: '.gitlab-ci.yml', content: 'include: [a.yml, missing.yml]\n', source: src });
      expect(f.errors.map((e) => e.file)).toEqual(['missing.yml']);
    }
  });

  it('returns an error (not a throw) for a missing or broken root file', async () => {
    const d1 = await discoverImages({ path: 'nope.yml', source: memoryCiSource({}) });
    expect(d1).toMatchObject({ jobs: [], images: [], errors: [{ file: 'nope.yml', message: 'file not found' }] });
    const d2 = await discoverImages({ path: 'x.yml', content: 'a: [', source: memoryCiSource({}) });
    expect(d2.errors[0]!.message).toMatch(/^YAML/);
  });

  it('keeps images sorted, unique and free of $, and knows CI_TEMPLATE_REGISTRY_HOST', async () => {
    const content = 'a:\n  image: $CI_TEMPLATE_REGISTRY_HOST/security-products/semgrep:5\n  script: [x]\nb:\n  image: alpine\n  services: [alpine]\n  script: [x]\nc:\n  image: app:$CI_PIPELINE_ID\n  script: [x]\n';
    const d = await discoverImages({ path: 'f', content, source: memoryCiSource({}) });
    expect(d.images).toEqual(['alpine', 'registry.gitlab.com/security-products/semgrep:5']);
    expect(d.unresolved).toEqual([{ job: 'c', ref: 'app:$CI_PIPELINE_ID', reason: 'unresolved variable: CI_PIPELINE_ID known only when the pipeline runs' }]);
  });

  it('limits child pipeline depth', async () => {
    const src = memoryCiSource({ local: { 'c1.yml': 't2:\n  trigger:\n    include: c2.yml\n', 'c2.yml': 't3:\n  trigger:\n    include: c3.yml\n', 'c3.yml': 'j:\n  image: deep:1\n  script: [x]\n' } });
    const d = await discoverImages({ path: 'f', content: 't1:\n  trigger:\n    include: c1.yml\n', source: src });
    expect(d.images).toEqual([]);
    expect(d.errors.some((e) => e.message.includes('child pipelines nest deeper than 2'))).toBe(true);
  });

  it('never throws and never lets a $ or an invalid ref into images, whatever the config', async () => {
    const ref = fc.constantFrom('alpine', 'node:$V', '${REG}/app:1', '$CI_COMMIT_SHA', 'Bad/Name', '', 'postgres:16', 'x:$[[ inputs.a ]]');
    const job = fc.record({
      image: fc.oneof(ref, fc.record({ name: ref })),
      services: fc.array(fc.oneof(ref, fc.record({ name: ref, alias: fc.constant('a') })), { maxLength: 3 }),
      script: fc.constant(['x']),
      extends: fc.constantFrom(undefined, '.t', 'missing', 'j0'),
      variables: fc.dictionary(fc.constantFrom('V', 'REG'), ref, { maxKeys: 2 }),
    }, { requiredKeys: ['script'] });
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('j0', 'j1', 'j2', '.t', 'default', 'variables', 'include'), job, { maxKeys: 5 }), async (cfg) => {
        const d = await discoverImages({ path: 'f', content: stringify(cfg), source: memoryCiSource({}) });
        expect(d.images).toEqual([...new Set(d.images)].sort());
        for (const i of d.images) expect(i).toMatch(/^[a-z0-9][^$\s]*$/);
      }),
      { numRuns: 200 },
    );
  });

  it('applies pipeline inputs to a root file with a spec header', async () => {
    const content = 'spec:\n  inputs:\n    env:\n      default: dev\n---\ndeploy:\n  image: deployer:$[[ inputs.env ]]\n  script: [x]\n';
    expect((await discoverImages({ path: 'f', content, source: memoryCiSource({}) })).images).toEqual(['deployer:dev']);
    expect((await discoverImages({ path: 'f', content, source: memoryCiSource({}), inputs: { env: 'prod' } })).images).toEqual(['deployer:prod']);
  });
});

describe('discoverImages: errors with a position', () => {
  it('a root or included file that does not parse is an error naming file, line and column; no jobs from it', async () => {
    const bad = 'build:\n  image: maven:3\n  script: [\n    - mvn\n';
    const root = await discoverImages({ path: '.gitlab-ci.yml', content: bad, source: memoryCiSource({}) });
    expect(root).toMatchObject({ jobs: [], images: [], errors: [{ file: '.gitlab-ci.yml', line: 4, column: 5, message: expect.stringMatching(/^YAML: /) }] });
    const inc = await discoverImages({ path: '.gitlab-ci.yml', content: 'include: ci/x.yml\nok:\n  image: a:1\n  script: [x]\n', source: memoryCiSource({ local: { 'ci/x.yml': 'x: 1\ny: [\n' } }) });
    expect(inc.errors).toEqual([expect.objectContaining({ file: 'ci/x.yml', line: 3, column: 1 })]);
  });
});

