import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuantity, parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['10Pi', 10 * 2 ** 50],
    ['1Gi', 2 ** 30],
    ['500Mi', 500 * 2 ** 20],
    ['20Ki', 20 * 1024],
    ['1.5G', 1.5e9],
    ['100M', 1e8],
    ['2k', 2000],
    ['250m', 0.25],
    ['1e3', 1000],
    ['42', 42],
  ])('%s', (q, n) => expect(parseQuantity(q)).toBe(n));

  it('rejects malformed quantities', () => {
    for (const q of ['', 'Gi', '10GB', '1.2.3', '10 Gi', '1KiB']) {
      expect(isQuantity(q)).toBe(false);
      expect(() => parseQuantity(q)).toThrow(RangeError);
    }
  });

  it('orders binary suffixes consistently with their values', () => {
    const suffixes = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 0, max: 3 }), (n, i) => {
        expect(parseQuantity(`${n}${suffixes[i + 1]!}`)).toBe(parseQuantity(`${n * 1024}${suffixes[i]!}`));
      }),
    );
  });
});
