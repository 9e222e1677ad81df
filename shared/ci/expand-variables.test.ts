import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { expandOnce, lookupIn, readVariables, resolveNested } from './expand-variables';

describe('expandOnce (Runner os.Expand semantics)', () => {
  const vars = lookupIn({ A: 'alpha', B_2: 'beta' });
  it('expands $VAR and ${VAR}', () => {
    expect(expandOnce('x/$A:${B_2}-$A', vars)).toEqual({ value: 'x/alpha:beta-alpha', missing: [] });
  });
  it('does not expand %VAR% or $(cmd)', () => {
    expect(expandOnce('%A%', vars).value).toBe('%A%');
  });
  it('keeps unknown references and reports them', () => {
    expect(expandOnce('img:$CI_COMMIT_SHA-${NOPE}', vars)).toEqual({ value: 'img:$CI_COMMIT_SHA-${NOPE}', missing: ['CI_COMMIT_SHA', 'NOPE'] });
  });
  it('stays linear on unclosed braces', () => {
    const s = '${'.repeat(20000);
    expect(expandOnce(s, vars).value).toBe(s);
  });
  it('never resolves Object.prototype members', () => {
    expect(expandOnce('$constructor', vars).missing).toEqual(['constructor']);
  });
  it('leaves strings without $ untouched', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('$')), (s) => {
      expect(expandOnce(s, vars)).toEqual({ value: s, missing: [] });
    }));
  });
});

describe('resolveNested (GitLab expands nested values first)', () => {
  it('expands chains and honours expand: false', () => {
    const v = readVariables({ REG: 'r.example.com', IMG: '$REG/app', FULL: '${IMG}:1', RAW: { value: '$REG', expand: false } });
    expect(resolveNested(v)).toEqual({ REG: 'r.example.com', IMG: 'r.example.com/app', FULL: 'r.example.com/app:1', RAW: '$REG' });
  });
  it('survives cycles, leaving the reference in place', () => {
    const out = resolveNested(readVariables({ A: '$B', B: '$A' }));
    expect(out.A).toContain('$');
  });
  it('reads scalars as strings and skips description-only entries', () => {
    expect(readVariables({ N: 3, T: true, D: { description: 'pick one' }, V: { value: 'x', description: 'd' } })).toEqual({
      N: { value: '3', expand: true },
      T: { value: 'true', expand: true },
      V: { value: 'x', expand: true },
    });
  });
});
