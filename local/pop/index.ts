export * from './pop-emulator';
export * from './pop-error';
export * from './signing';
export * from './types';
export * from './cs-product';
export * from './dm-product';
export * from './find-route';
export * from './start-product-emulators';
