import { describe, it, expect } from 'vitest';
import { expandMatrix } from './expand-matrix';

describe('expandMatrix', () => {
  it('builds the cartesian product per entry and concatenates entries', () => {
    const { combos } = expandMatrix({ matrix: [{ PY: ['3.12', '3.13'], DB: ['pg', 'mysql'] }, { PY: '3.14', DB: 'pg' }] }, 200);
    expect(combos).toEqual([
      { PY: '3.12', DB: 'pg' },
      { PY: '3.12', DB: 'mysql' },
      { PY: '3.13', DB: 'pg' },
      { PY: '3.13', DB: 'mysql' },
      { PY: '3.14', DB: 'pg' },
    ]);
  });
  it('yields one empty combination without a matrix (also for parallel: 5)', () => {
    expect(expandMatrix(undefined, 200).combos).toEqual([{}]);
    expect(expandMatrix(5, 200).combos).toEqual([{}]);
  });
  it('cuts off at the limit and says so', () => {
    const r = expandMatrix({ matrix: [{ A: ['1', '2', '3'], B: ['1', '2'] }] }, 4);
    expect(r.combos).toHaveLength(4);
    expect(r.truncated).toBe(true);
  });
});
