export * from './oss-port';
export * from './create-oss-port';
export * from './to-oss-error';
export * from './oss-port-from-config';
