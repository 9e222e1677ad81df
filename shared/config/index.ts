export * from './load-config';
export * from './sections';
