import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { deepMerge } from './deep-merge';

describe('deepMerge', () => {
  it('merges hashes recursively and replaces arrays and scalars', () => {
    const base = { image: { name: 'a', entrypoint: [''] }, variables: { A: '1', B: '2' }, script: ['x', 'y'] };
    const over = { image: { name: 'b' }, variables: { B: '3' }, script: ['z'] };
    expect(deepMerge(base, over)).toEqual({ image: { name: 'b', entrypoint: [''] }, variables: { A: '1', B: '3' }, script: ['z'] });
  });

  it('never mutates its inputs, and the override always wins for leaves', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()), (a, b) => {
        const before = JSON.stringify(a);
        const m = deepMerge(a as Record<string, unknown>, b as Record<string, unknown>);
        expect(JSON.stringify(a)).toBe(before);
        for (const [k, v] of Object.entries(b)) {
          if (v === null || typeof v !== 'object' || Array.isArray(v)) expect(m[k]).toEqual(v);
        }
      }),
    );
  });
});
