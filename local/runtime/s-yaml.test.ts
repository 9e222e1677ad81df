import { describe, expect, it } from 'vitest';
import { parseSYaml, resolveExpressions } from './s-yaml';

describe('resolveExpressions', () => {
  const vars = { region: 'ap-northeast-2', n: 3, nested: { a: 'x' }, list: ['a', 'b'] };
  it('resolves vars, env with and without default, and config(AccountID)', () => {
    const ctx = { env: { SET: 'v1', EMPTYDEFAULT: undefined }, accountId: '42' };
    expect(resolveExpressions('${vars.region}', vars, ctx)).toBe('ap-northeast-2');
    expect(resolveExpressions('${vars.n}', vars, ctx)).toBe(3);
    expect(resolveExpressions('${vars.list}', vars, ctx)).toEqual(['a', 'b']);
    expect(resolveExpressions('r-${vars.nested.a}-${vars.n}', vars, ctx)).toBe('r-x-3');
    expect(resolveExpressions("${env('SET')}", vars, ctx)).toBe('v1');
    expect(resolveExpressions("${env('UNSET_FIXTURE_KEY_Q', 'fallback')}", vars, ctx)).toBe('fallback');
    expect(resolveExpressions("${env('UNSET_FIXTURE_KEY_Q')}", vars, ctx)).toBe('');
    expect(resolveExpressions('${env.SET}', vars, ctx)).toBe('v1');
    expect(resolveExpressions("acs:ram::${config('AccountID')}:role/x", vars, ctx)).toBe('acs:ram::42:role/x');
    expect(resolveExpressions('${resources.other.output}', vars, ctx)).toBe('${resources.other.output}');
  });
});

describe('parseSYaml', () => {
  it('reads fc3 resources with defaults and skips other components', () => {
    const text = `
edition: 3.0.0
vars: { region: cn-hangzhou }
resources:
  a:
    component: fc3
    props:
      region: \${vars.region}
      functionName: fa
      handler: index.handler
      asyncInvokeConfig:
        maxAsyncRetryAttempts: 0
        asyncTask: true
      triggers:
        - { triggerName: t, triggerType: timer, triggerConfig: { cronExpression: '0 0 3 * * *', enable: true } }
  other:
    component: fc
    props: { functionName: legacy }
`;
    const fns = parseSYaml(text, { env: {} });
    expect(fns).toHaveLength(1);
    expect(fns[0]).toMatchObject({ functionName: 'fa', region: 'cn-hangzhou', timeout: 3, memorySize: 512, asyncInvokeConfig: { maxAsyncRetryAttempts: 0, asyncTask: true } });
    expect(fns[0]!.triggers[0]).toEqual({ triggerName: 't', triggerType: 'timer', triggerConfig: { cronExpression: '0 0 3 * * *', enable: true } });
  });

  it('names the resource that lacks a functionName', () => {
    expect(() => parseSYaml('resources:\n  broken:\n    component: fc3\n    props: {}\n', { env: {} })).toThrow(/broken/);
  });
});
