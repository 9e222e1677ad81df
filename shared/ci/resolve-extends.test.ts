import { describe, it, expect } from 'vitest';
import { resolveExtends } from './resolve-extends';

describe('resolveExtends', () => {
  it('resolves several levels, deep-merging hashes and replacing arrays', () => {
    const { config, errors } = resolveExtends({
      '.base': { image: { name: 'ruby:3.3', entrypoint: [''] }, variables: { A: '1' }, script: ['a'] },
      '.mid': { extends: '.base', variables: { B: '2' } },
      job: { extends: '.mid', image: { name: 'ruby:3.4' }, script: ['b'] },
    });
    expect(errors).toEqual([]);
    expect(config.job).toEqual({ image: { name: 'ruby:3.4', entrypoint: [''] }, variables: { A: '1', B: '2' }, script: ['b'] });
  });

  it('lets the later parent of an array win', () => {
    const { config } = resolveExtends({
      '.a': { image: 'a:1', services: ['redis'] },
      '.b': { image: 'b:1' },
      job: { extends: ['.a', '.b'], script: ['x'] },
    });
    expect(config.job).toEqual({ image: 'b:1', services: ['redis'], script: ['x'] });
  });

  it('reports cycles and unknown parents without losing the job', () => {
    const { config, errors } = resolveExtends({
      '.a': { extends: '.b', image: 'a' },
      '.b': { extends: '.a' },
      job: { extends: ['.a', '.missing'], script: ['x'] },
    });
    expect(errors.some((e) => e.message.includes('circular dependency'))).toBe(true);
    expect(errors).toContainEqual({ key: 'job', message: 'job: unknown key in `extends`: .missing', unknownParent: '.missing' });
    expect((config.job as { script: string[] }).script).toEqual(['x']);
    expect(config.job).not.toHaveProperty('extends');
  });

  it('stops at GitLab nesting depth of 10', () => {
    const cfg: Record<string, unknown> = { '.l0': { image: 'deep' } };
    for (let i = 1; i <= 12; i++) cfg[`.l${i}`] = { extends: `.l${i - 1}` };
    cfg.job = { extends: '.l12', script: ['x'] };
    expect(resolveExtends(cfg).errors.some((e) => e.message.includes('nesting too deep'))).toBe(true);
  });
});
