export * from './check-result';
export * from './run-checks';
