export * from './restore-script-config';
export * from './render-restore-script';
export * from './parse-restore-result';
export * from './drill-ruby';
