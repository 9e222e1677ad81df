import { describe, expect, it } from 'vitest';
import { evalExpression } from './eval-expression';

const vars = { CI_COMMIT_BRANCH: 'main', CI_DEFAULT_BRANCH: 'main', CI_PIPELINE_SOURCE: '', EMPTY: '', RE: '/^rel.*/', TAG: 'v1.2' };

describe('evalExpression (rules:if)', () => {
  it.each([
    ['$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', true],
    ['$CI_COMMIT_BRANCH != "main"', false],
    ["$CI_COMMIT_BRANCH == 'main' && $TAG", true],
    ['$CI_COMMIT_TAG', false],
    ['$EMPTY', false],
    ['$CI_COMMIT_TAG == null', true],
    ['$EMPTY == null', false],
    ['$CI_PIPELINE_SOURCE == "merge_request_event"', false],
    ['$CI_PIPELINE_SOURCE == "merge_request_event" || $CI_COMMIT_BRANCH == "main"', true],
    ['($CI_PIPELINE_SOURCE == "push" || $TAG) && $CI_COMMIT_BRANCH', true],
    ['$TAG =~ /^V1/i', true],
    ['$TAG !~ /^v2/', true],
    ['"release-1" =~ $RE', true],
    ['$MISSING =~ /x/', false],
    ['!$CI_COMMIT_TAG', true],
    ['true && !false', true],
  ])('%s → %s', (expr, want) => {
    expect(evalExpression(expr, vars)).toBe(want);
  });

  it('refuses broken syntax, bad regular expressions and oversized input', () => {
    expect(() => evalExpression('$A ==', vars)).toThrow(/end of expression/);
    expect(() => evalExpression('$A == "x" ) ', vars)).toThrow(/unexpected \)/);
    expect(() => evalExpression('$A = "x"', vars)).toThrow(/syntax/);
    expect(() => evalExpression('$A =~ /(/', vars)).toThrow(/Invalid regular expression/);
    expect(() => evalExpression(`$A == "${'x'.repeat(5000)}"`, vars)).toThrow(/longer than/);
  });
});
