import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalQuantity } from './canonical-quantity';
import { parseQuantity } from './quantity';

describe('canonicalQuantity (apimachinery CanonicalizeBytes)', () => {
  it.each([
    ['10Pi', '10Pi'],
    ['1024Mi', '1Gi'],
    ['0.5Gi', '512Mi'],
    ['1536Mi', '1536Mi'],
    ['2048Ki', '2Mi'],
    ['1Ki', '1Ki'],
    ['0.5Ki', '512'],
    ['1000k', '1M'],
    ['1500k', '1500k'],
    ['0.5', '500m'],
    ['100m', '100m'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['0', '0'],
    ['0Gi', '0'],
    ['-1024Mi', '-1Gi'],
    ['20', '20'],
    [20, '20'],
  ])('%s → %s', (q, want) => expect(canonicalQuantity(q)).toBe(want));

  it('rejects what is not a quantity', () => {
    for (const q of ['', 'Gi', '10GB', '1.2.3', 'x']) expect(canonicalQuantity(q)).toBeUndefined();
  });

  it('keeps the value and is idempotent', () => {
    const suffixes = ['', 'Ki', 'Mi', 'Gi', 'k', 'M', 'm'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(...suffixes), (n, s) => {
        const c = canonicalQuantity(`${n}${s}`)!;
        expect(parseQuantity(c)).toBeCloseTo(parseQuantity(`${n}${s}`), 6);
        expect(canonicalQuantity(c)).toBe(c);
      }),
    );
  });
});
