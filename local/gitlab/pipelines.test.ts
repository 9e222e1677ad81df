import { describe, expect, it } from 'vitest';
import { compositeStatus } from './pipelines';

describe('compositeStatus (lib/gitlab/ci/status/composite.rb order)', () => {
  it.each([
    [['success', 'skipped'], 'success'],
    [['skipped'], 'skipped'],
    [['success', 'canceled'], 'canceled'],
    [['success', 'running'], 'running'],
    [['success', 'created'], 'running'],
    [['pending', 'created'], 'pending'],
    [['created'], 'created'],
    [['success', 'failed'], 'failed'],
    [['canceled', 'failed'], 'failed'],
  ])('%j → %s', (states, want) => {
    expect(compositeStatus(states)).toBe(want);
  });
});
