import { defineCommand } from '../registry';
import { reconcileSpec } from './plan';

/** `apply [--json] [--infra DIR]` — perform the safe steps (create, patch, rebind); exit 1 when drift remains. */
export const applyCommand = defineCommand(reconcileSpec('apply'));
