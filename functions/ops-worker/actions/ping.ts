import * as z from 'zod/mini';
import { setupZod } from '#shared/config/setup-zod';

setupZod();
import type { ActionDefinition } from '../types';

/** Test action: proves the path webhook → FC async → worker end to end. Echoes its params; no effects. */
export const ping: ActionDefinition<{ note?: string }> = {
  name: 'ping',
  description: 'No-op that echoes its params (end-to-end check of the hand-off).',
  params: z.looseObject({ note: z.optional(z.string().check(z.maxLength(200))) }),
  run: async (ctx) => ({
    action: 'ping',
    dryRun: ctx.dryRun,
    status: 'ok',
    summary: `pong${ctx.params.note ? `: ${ctx.params.note}` : ''}`,
    plan: [],
    done: [],
    report: { source: ctx.request.source ?? { kind: 'manual' }, params: ctx.params },
  }),
};
