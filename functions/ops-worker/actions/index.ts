import type { ActionDefinition } from '../types';
import { backup } from './backup';
import { ping } from './ping';
import { prewarm } from './prewarm';
import { reconcile } from './reconcile';
import { restore } from './restore';
import { restoreDrill } from './restore-drill';
import { watchdog } from './watchdog';

/**
 * The action registry. Each feature adds its action here (one import + one entry). Names are unique; the handler
 * rejects anything else with UNKNOWN_ACTION listing these names.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const actions: ReadonlyArray<ActionDefinition<any>> = [ping, prewarm, backup, watchdog, reconcile, restore, restoreDrill];

export const actionNames = (): string[] => actions.map((a) => a.name).sort();
