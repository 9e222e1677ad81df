export * from './host-probe';
export * from './host-checks';
export * from './gitlab-host-checks';
export * from './oss-checks';
export * from './mail-check';
export * from './run-preflight';
