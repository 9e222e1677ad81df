import { describe, expect, it } from 'vitest';
import { decamelizeKeys, formatQuery } from './create-requester';

describe('gitbeaker request options', () => {
  it('snake-cases keys recursively but never values', () => {
    expect(decamelizeKeys({ perPage: 2, contentRef: 'main', variables: [{ key: 'myVar', variableType: 'env_var' }] })).toEqual({
      per_page: 2, content_ref: 'main', variables: [{ key: 'myVar', variable_type: 'env_var' }],
    });
  });

  it('writes queries like qs with arrayFormat brackets', () => {
    expect(formatQuery({ archived: false, orderBy: 'id', topic: ['a', 'b'], filter: { userId: 1 }, none: undefined })).toBe(
      'archived=false&order_by=id&topic%5B%5D=a&topic%5B%5D=b&filter%5Buser_id%5D=1',
    );
    expect(formatQuery()).toBe('');
  });
});
