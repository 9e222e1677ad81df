export * from './types';
export * from './create-gitlab-port';
export * from './create-ci-file-source';
export { GitlabHttpError, parseRetryAfter } from './request-handler';
