import { describe, expect, it } from 'vitest';
import { caseKeptHeaders } from './http-event';

describe('caseKeptHeaders', () => {
  it('keeps the first spelling of a header and comma-joins repeats, as FC does', () => {
    expect(caseKeptHeaders(['X-Gitlab-Token', 't', 'Accept', 'a', 'accept', 'b', 'X-Multi', '1', 'X-MULTI', '2'])).toEqual({
      'X-Gitlab-Token': 't',
      Accept: 'a,b',
      'X-Multi': '1,2',
    });
  });
});
