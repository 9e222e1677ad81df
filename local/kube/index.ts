export { startKubeEmulator, emulatorKubeconfig, type KubeEmulator, type KubeEmulatorOptions } from './kube-emulator';
export { kubeStatus } from './status';
export type { KubeObject, KubeStore } from './store';
