export * from './types';
export * from './create-gitlab-port';
export * from './create-ci-file-source';
export { GitlabHttpError, parseRetryAfter } from './request-handler';
export * from './token-capabilities';
export { gitlabMessageOf, hasHttpStatus, isInsufficientScope } from './to-gitlab-error';
export * from './commit-status-reporter';
