import { describe, it, expect } from 'vitest';
import { collectJobs, type CollectOptions } from './collect-jobs';
import type { CiMap } from './types';

const opts = (o: Partial<CollectOptions> = {}): CollectOptions => ({ predefined: {}, project: {}, pipeline: {}, maxMatrixJobs: 200, prefix: '', ...o });
const job = (config: CiMap, name: string, o?: Partial<CollectOptions>) => collectJobs(config, opts(o)).jobs.find((j) => j.name === name);

describe('collectJobs', () => {
  it('never treats reserved keywords or hidden keys as jobs; pages is a job', () => {
    const r = collectJobs(
      { stages: ['a'], variables: {}, default: { image: 'x' }, workflow: {}, cache: {}, image: 'g', services: [], before_script: [], after_script: [], include: [], spec: {}, types: [],
        '.hidden': { image: 'h', script: ['x'] }, pages: { image: 'ruby:3', script: ['jekyll'] } },
      opts(),
    );
    expect(r.jobs.map((j) => j.name)).toEqual(['pages']);
  });

  it('takes job image, else default, else the deprecated global, else the runner default (marked)', () => {
    expect(job({ a: { image: 'j:1', script: [] }, default: { image: 'd:1' } }, 'a')).toMatchObject({ images: ['j:1'], imageSource: 'job' });
    expect(job({ a: { script: [] }, default: { image: 'd:1' }, image: 'g:1' }, 'a')).toMatchObject({ images: ['d:1'], imageSource: 'default' });
    expect(job({ a: { script: [] }, image: 'g:1' }, 'a')).toMatchObject({ images: ['g:1'], imageSource: 'global' });
    expect(job({ a: { script: [] } }, 'a', { defaultImage: 'alpine' })).toMatchObject({ images: ['alpine'], imageSource: 'runner-default' });
    const none = job({ a: { script: [] } }, 'a');
    expect(none).toMatchObject({ images: [], imageSource: 'none' });
    expect(none!.unresolved[0]!.reason).toMatch(/no image/);
  });

  it('honours inherit: default: false and inherit: default: [list]', () => {
    const config = { default: { image: 'd:1', services: ['redis:7'] }, a: { inherit: { default: false }, script: [] }, b: { inherit: { default: ['services'] }, script: [] } };
    expect(job(config, 'a', { defaultImage: 'alpine' })).toMatchObject({ images: ['alpine'], imageSource: 'runner-default' });
    expect(job(config, 'b', { defaultImage: 'alpine' })!.images).toEqual(['alpine', 'redis:7']);
  });

  it('lets services: [] clear inherited services and reads image/service hashes', () => {
    const config = { default: { services: ['redis:7'] }, a: { image: { name: 'node:22', entrypoint: [''] }, services: [], script: [] },
      b: { image: 'node:22', services: [{ name: 'postgres:16', alias: 'db' }, 'docker:27-dind'], script: [] } };
    expect(job(config, 'a')!.images).toEqual(['node:22']);
    expect(job(config, 'b')!.images).toEqual(['node:22', 'postgres:16', 'docker:27-dind']);
  });

  it('runs no pod for trigger jobs but returns trigger:include children with forwarded variables', () => {
    const r = collectJobs({ variables: { V: '1' }, up: { trigger: { include: 'child.yml' }, variables: { W: '$V-2' } }, multi: { trigger: 'group/other' } }, opts());
    expect(r.jobs).toEqual([]);
    expect(r.children).toEqual([{ job: 'up', include: 'child.yml', variables: { V: '1', W: '1-2' } }]);
  });

  it('expands variables with GitLab precedence: project > matrix > job > file > predefined', () => {
    const config = { variables: { T: 'file', R: 'r.io' }, a: { image: '$R/x:$T', variables: { T: 'job' }, script: [] } };
    expect(job(config, 'a')!.images).toEqual(['r.io/x:job']);
    expect(job(config, 'a', { project: { T: 'proj' } })!.images).toEqual(['r.io/x:proj']);
    expect(job({ a: { image: '$CI_REGISTRY_IMAGE/b', script: [] } }, 'a', { predefined: { CI_REGISTRY_IMAGE: 'reg/g/p' } })!.images).toEqual(['reg/g/p/b']);
  });

  it('honours inherit: variables', () => {
    const config = { variables: { T: '1', U: '2' }, a: { image: 'x:$T', inherit: { variables: false }, script: [] }, b: { image: 'x:$T-$U', inherit: { variables: ['T'] }, script: [] } };
    expect(job(config, 'a')!.unresolved[0]!.ref).toBe('x:$T');
    expect(job(config, 'b')!.unresolved[0]!.reason).toMatch(/U not defined/);
  });

  it('expands parallel:matrix into one pod set per combination', () => {
    const config = { t: { image: 'python:$PY', services: ['$DB'], parallel: { matrix: [{ PY: ['3.12', '3.13'], DB: 'postgres:16' }] }, script: [] } };
    expect(job(config, 't')).toMatchObject({
      images: ['python:3.12', 'postgres:16', 'python:3.13'],
      podSets: [['python:3.12', 'postgres:16'], ['python:3.13', 'postgres:16']],
    });
  });

  it('reports pipeline-time and undefined variables and invalid references, never as images', () => {
    const j = job({ a: { image: '$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA', services: ['$UNKNOWN', 'Bad/Name', { alias: 'x' }], script: [] } }, 'a', { predefined: { CI_REGISTRY_IMAGE: 'r/p' } })!;
    expect(j.images).toEqual([]);
    expect(j.unresolved.map((u) => u.reason).join('\n')).toMatch(/CI_COMMIT_SHA known only when the pipeline runs[\s\S]*UNKNOWN not defined[\s\S]*invalid image reference "Bad\/Name"/);
    expect(j.unresolved.some((u) => u.reason === 'image entry has no name')).toBe(true);
  });

  it('adds the helper image to every pod set when given', () => {
    expect(job({ a: { image: 'a', script: [] } }, 'a', { helperImage: 'registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:x86_64-v18.9.0' })!.images).toHaveLength(2);
  });

  it('flags a job without script (e.g. an override of a job from an unreadable include)', () => {
    expect(job({ secret_detection: { stage: 'test' } }, 'secret_detection')!.unresolved[0]!.reason).toMatch(/no script/);
  });

  it('skips configuration-only jobs whose every rule is an unconditional when: never', () => {
    const r = collectJobs({ sast: { rules: [{ when: 'never' }], script: ['exit 1'] }, semgrep: { rules: [{ if: '$X', when: 'never' }, { when: 'always' }], image: 's:5', script: [] } }, opts());
    expect(r.jobs.map((j) => j.name)).toEqual(['semgrep']);
  });

  it('tells a predefined variable we could supply apart from a pipeline-time one', () => {
    const j = job({ a: { image: '$CI_REGISTRY_IMAGE/x:$CI_PIPELINE_IID', script: [] } }, 'a')!;
    expect(j.unresolved[0]!.reason).toBe('unresolved variable: CI_REGISTRY_IMAGE not supplied (predefined from project facts); CI_PIPELINE_IID known only when the pipeline runs');
  });

  it('knows CI_JOB_NAME (matrix form), CI_JOB_NAME_SLUG and CI_JOB_STAGE per job', () => {
    const config = { b: { image: 'r/$CI_JOB_STAGE/$CI_JOB_NAME_SLUG', stage: 'build', parallel: { matrix: [{ OS: ['deb', 'fed'] }] }, script: [] }, c: { image: 'r/$CI_JOB_NAME:$CI_JOB_STAGE', script: [] } };
    expect(job(config, 'b')!.images).toEqual(['r/build/b---deb', 'r/build/b---fed']); // slugify does not collapse dashes
    expect(job(config, 'c')!.images).toEqual(['r/c:test']);
  });
});
