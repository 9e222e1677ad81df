import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chunk, fitBody, truncateChars, truncateUtf8 } from './mail-limits';

describe('mail limits', () => {
  it('truncateChars never exceeds the limit or splits a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 1, max: 120 }), (s, max) => {
        const t = truncateChars(s, max);
        expect(t.length).toBeLessThanOrEqual(Math.max(max, 1));
        expect(t).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
        if (s.length <= max) expect(t).toBe(s);
      }),
    );
  });

  it('truncateUtf8 respects bytes on code point boundaries', () => {
    expect(truncateUtf8('가나다', 7)).toBe('가나');
    expect(truncateUtf8('abc', 10)).toBe('abc');
  });

  it('fitBody leaves small bodies alone and cuts big HTML outside tags and entities, with a note', () => {
    expect(fitBody('<p>hi</p>', 'html')).toEqual({ body: '<p>hi</p>', truncated: false });
    const big = '<tr><td style="x">a &amp; b</td></tr>'.repeat(5000);
    const { body, truncated } = fitBody(big, 'html', 80_000);
    expect(truncated).toBe(true);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(80_000);
    expect(body).toContain('message truncated');
    const beforeNote = body.slice(0, body.indexOf('\n<p style'));
    expect(beforeNote.lastIndexOf('<')).toBeLessThan(beforeNote.lastIndexOf('>'));
    expect(beforeNote.lastIndexOf('&')).toBeLessThan(beforeNote.lastIndexOf(';'));
    const text = fitBody('가'.repeat(40_000), 'text', 80_000);
    expect(Buffer.byteLength(text.body)).toBeLessThanOrEqual(80_000);
    expect(text.body.endsWith('full report.\n')).toBe(true);
  });

  it('chunk splits into batches', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 100)).toEqual([]);
  });
});
