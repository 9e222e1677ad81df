export * from './mail-types';
export * from './render-mail';
export * from './mailer';
export * from './create-mail-port';
export * from './escape-html';
export * from './mail-limits';
export * from './query-sender';
