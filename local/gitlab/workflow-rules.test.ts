import { describe, expect, it } from 'vitest';
import { evaluateIf, workflowPasses } from './workflow-rules';

const vars = { CI_PIPELINE_SOURCE: 'api', CI_COMMIT_BRANCH: 'main', CI_DEFAULT_BRANCH: 'main', EMPTY: '' };

describe('evaluateIf (CI/CD expressions)', () => {
  it('compares, matches, tests presence and combines with && before ||', () => {
    expect(evaluateIf('$CI_PIPELINE_SOURCE == "api"', vars)).toBe(true);
    expect(evaluateIf("$CI_PIPELINE_SOURCE != 'api'", vars)).toBe(false);
    expect(evaluateIf('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', vars)).toBe(true);
    expect(evaluateIf('$CI_COMMIT_BRANCH =~ /^ma/', vars)).toBe(true);
    expect(evaluateIf('$CI_COMMIT_BRANCH !~ /^ma/i', vars)).toBe(false);
    expect(evaluateIf('$EMPTY', vars)).toBe(false);
    expect(evaluateIf('$UNDEFINED == null', vars)).toBe(true);
    expect(evaluateIf('$CI_COMMIT_TAG || $CI_COMMIT_BRANCH && $CI_PIPELINE_SOURCE == "push"', vars)).toBe(false);
    expect(evaluateIf('($CI_COMMIT_TAG || $CI_COMMIT_BRANCH) && $CI_PIPELINE_SOURCE == "api"', vars)).toBe(true);
    expect(() => evaluateIf('$A === "x"', vars)).toThrow(/unsupported/);
  });
});

describe('workflowPasses', () => {
  const files = new Set(['Dockerfile']);
  it('first matching rule decides; no match filters out; no rules run', () => {
    expect(workflowPasses(undefined, vars, files)).toBe(true);
    expect(workflowPasses([{ if: '$CI_PIPELINE_SOURCE == "push"' }], vars, files)).toBe(false);
    expect(workflowPasses([{ if: '$CI_PIPELINE_SOURCE == "api"', when: 'never' }, { when: 'always' }], vars, files)).toBe(false);
    expect(workflowPasses([{ exists: ['Dockerfile'] }], vars, files)).toBe(true);
    expect(workflowPasses([{ exists: 'nope' }, { if: '$CI_COMMIT_BRANCH' }], vars, files)).toBe(true);
  });
});
