import { describe, it, expect } from 'vitest';
import { interpolateInputs } from './interpolate-inputs';

const spec = { inputs: { tag: { default: '3.12' }, stage: { default: 'test' }, svcs: { type: 'array', default: ['redis:7'] }, req: {} } };

describe('interpolateInputs', () => {
  it('uses spec defaults and the includer inputs (given wins)', () => {
    const r = interpolateInputs({ job: { image: 'python:$[[ inputs.tag ]]', stage: '$[[inputs.stage]]' } }, spec, { tag: '3.13', req: 'x' });
    expect(r.config).toEqual({ job: { image: 'python:3.13', stage: 'test' } });
    expect(r.errors).toEqual([]);
  });

  it('keeps the type of a value that is exactly one block', () => {
    const r = interpolateInputs({ job: { services: '$[[ inputs.svcs ]]' } }, spec, { req: 'x' });
    expect(r.config).toEqual({ job: { services: ['redis:7'] } });
  });

  it('interpolates keys, and applies truncate()', () => {
    const r = interpolateInputs({ 'build-$[[ inputs.stage ]]': { image: 'a:$[[ inputs.tag | truncate(0,1) ]]' } }, spec, { req: 'x' });
    expect(r.config).toEqual({ 'build-test': { image: 'a:3' } });
  });

  it('reports inputs without value or default and unknown inputs, leaving the block in place', () => {
    const r = interpolateInputs({ job: { image: 'x:$[[ inputs.req ]]' } }, spec, { nope: '1' });
    expect(r.config).toEqual({ job: { image: 'x:$[[ inputs.req ]]' } });
    expect(r.errors).toEqual(['unknown input "nope"', 'input "req" has no value and no default']);
  });

  it('leaves other $[[ ]] expressions such as matrix.X alone', () => {
    const r = interpolateInputs({ job: { needs: [{ job: 'b', parallel: { matrix: [{ A: '$[[ matrix.A ]]' }] } }] } }, spec, { req: 'x' });
    expect(JSON.stringify(r.config)).toContain('$[[ matrix.A ]]');
  });
});
