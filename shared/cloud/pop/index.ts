export * from './rpc-client';
export * from './roa-client';
export * from './to-pop-error';
export * from './describe-cluster-user-kubeconfig';
