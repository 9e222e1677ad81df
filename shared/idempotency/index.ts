export * from './idempotency-store';
export * from './memory-idempotency-store';
export * from './run-idempotent';
