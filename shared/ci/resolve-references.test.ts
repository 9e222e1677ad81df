import { describe, it, expect } from 'vitest';
import { CiReference } from './ci-reference';
import { resolveReferences } from './resolve-references';

const ref = (...p: string[]): CiReference => new CiReference(p);

describe('resolveReferences', () => {
  it('replaces a reference with the value at its path', () => {
    const { config } = resolveReferences({ '.img': { image: { name: 'node:22' } }, job: { image: ref('.img', 'image'), script: ['x'] } });
    expect(config.job).toEqual({ image: { name: 'node:22' }, script: ['x'] });
  });

  it('resolves references inside referenced values (nested)', () => {
    const { config } = resolveReferences({
      '.a': { services: ['redis:7'] },
      '.b': { services: [ref('.a', 'services'), 'postgres:16'] },
      job: { services: ref('.b', 'services'), script: ['x'] },
    });
    expect((config.job as { services: string[] }).services).toEqual(['redis:7', 'postgres:16']);
  });

  it('flattens referenced arrays inside script, but not inside other arrays', () => {
    const { config } = resolveReferences({
      '.setup': { script: ['a', 'b'] },
      job: { script: [ref('.setup', 'script'), 'c'], other: [ref('.setup', 'script')] },
    });
    expect((config.job as { script: string[] }).script).toEqual(['a', 'b', 'c']);
    expect((config.job as { other: unknown[] }).other).toEqual([['a', 'b']]);
  });

  it('reports a missing target and drops the value', () => {
    const { config, errors } = resolveReferences({ job: { image: ref('.nope', 'image'), script: ['x'] } });
    expect(errors).toEqual([{ ref: '!reference [.nope, image]', message: '!reference [.nope, image] could not be found', missing: true }]);
    expect(config.job).toEqual({ script: ['x'] });
  });

  it('does not resolve prototype members such as constructor', () => {
    const { errors } = resolveReferences({ '.a': {}, job: { image: ref('.a', 'constructor') } });
    expect(errors).toHaveLength(1);
  });

  it('stops reference cycles with an error', () => {
    const { errors } = resolveReferences({ '.a': { x: ref('.b', 'y') }, '.b': { y: ref('.a', 'x') } });
    expect(errors.some((e) => e.message.includes('too many nested references'))).toBe(true);
  });
});
