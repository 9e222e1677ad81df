export * from './fc-types';
export * from './decode-event';
export * from './http';
export * from './credentials';
export * from './clock';
export * from './retry';
