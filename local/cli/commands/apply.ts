import type { CliCommand } from './index';
import { runReconcileCommand } from './plan';

/** `apply [--json] [--infra DIR]` — perform the safe steps (create, patch, rebind); exit 1 when drift remains. */
export const applyCommand: CliCommand = {
  name: 'apply',
  usage: 'apply [--json] [--infra DIR]',
  summary: 'apply the safe reconcile steps; exit 1 if drift remains',
  run: async (args, io) => (await runReconcileCommand(args, io, 'apply')).code,
};
