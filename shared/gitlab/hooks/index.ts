export * from './event-names';
export * from './identify-hook';
export * from './payload-schemas';
export * from './ci-config-touch';
export * from './hook-rules';
export * from './hook-rule-table';
export * from './classify-hook';
export * from './dedupe-key';
