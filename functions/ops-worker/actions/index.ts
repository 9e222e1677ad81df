import type { ActionDefinition } from '../types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loader = () => Promise<ActionDefinition<any>>;

/** The action registry: name → loader (each action's module graph is evaluated on first use, not at cold start). */
export const actionLoaders: Readonly<Record<string, Loader>> = {
  ping: () => import('./ping').then((m) => m.ping),
  prewarm: () => import('./prewarm').then((m) => m.prewarm),
  backup: () => import('./backup').then((m) => m.backup),
  watchdog: () => import('./watchdog').then((m) => m.watchdog),
  reconcile: () => import('./reconcile').then((m) => m.reconcile),
  restore: () => import('./restore').then((m) => m.restore),
  'restore-drill': () => import('./restore-drill').then((m) => m.restoreDrill),
};

export const actionNames = (): string[] => Object.keys(actionLoaders).sort();
