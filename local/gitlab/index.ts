export * from './emulator';
export * from './types';
export { HookSender, type HookSenderOptions, type HookSendRequest } from './hook-sender';
export * from './seed/index';
export { ACCESS_LEVEL, ROLES, type Role, type Visibility } from './access';
