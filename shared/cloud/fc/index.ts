export * from './fc-invoker';
export * from './create-fc-invoker';
