import { describe, expect, it } from 'vitest';
import { GitlabHttpError, gitlabMessage, parseRetryAfter } from './request-handler';
import { toGitlabError } from './to-gitlab-error';

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('toGitlabError', () => {
  it('marks 429/5xx/network failures retryable and 401/403/404 not', () => {
    expect(toGitlabError(new GitlabHttpError(429, 'Retry later', 1000), 'op').retryable).toBe(true);
    expect(toGitlabError(new GitlabHttpError(503, 'down', undefined), 'op').retryable).toBe(true);
    expect(toGitlabError(new GitlabHttpError(0, 'request timed out', undefined, 'timeout'), 'op').retryable).toBe(true);
    for (const s of [400, 401, 403, 404]) expect(toGitlabError(new GitlabHttpError(s, 'no', undefined), 'op').retryable).toBe(false);
  });

  it('keeps Retry-After in details and explains a 401', () => {
    const e = toGitlabError(new GitlabHttpError(401, '401 Unauthorized', undefined), 'get project 1');
    expect(e.code).toBe('GITLAB_API');
    expect(e.message).toMatch(/get project 1 failed: HTTP 401: 401 Unauthorized \(check GITLAB_TOKEN/);
    expect(toGitlabError(new GitlabHttpError(429, 'x', 2000), 'op').details).toMatchObject({ retryAfterMs: 2000, httpStatus: 429 });
  });
});

describe('gitlabMessage', () => {
  it("gives GitLab's own words for each body shape", () => {
    expect(gitlabMessage({ message: '403 Forbidden' })).toBe('403 Forbidden');
    expect(gitlabMessage({ error: '404 Not Found' })).toBe('404 Not Found');
    expect(gitlabMessage({ message: { base: ['Pipeline filtered out by workflow rules.'] } })).toBe('Pipeline filtered out by workflow rules.');
    expect(gitlabMessage({ message: { base: ['a'], ref: ['is invalid'] } })).toBe('a; ref is invalid');
    expect(gitlabMessage({ error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'api read_api' }))
      .toBe('insufficient_scope: The request requires higher privileges than provided by the access token. (accepted scopes: api read_api)');
    expect(gitlabMessage('text')).toBeUndefined();
  });
});
