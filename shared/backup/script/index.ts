export * from './backup-layout';
export * from './backup-script-config';
export * from './parse-backup-result';
export * from './render-backup-script';
