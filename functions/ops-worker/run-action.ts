import { AppError, isAppError, toAppError } from '#shared/errors/index';
import type { ActionContext, ActionDefinition, ActionResult } from './types';
import { actionLoaders, actionNames } from './actions/index';

/** Look an action up by name; unknown → UNKNOWN_ACTION listing the known ones. */
export async function findAction(name: string): Promise<ActionDefinition<Record<string, unknown>>> {
  const load = Object.hasOwn(actionLoaders, name) ? actionLoaders[name] : undefined;
  const a = load ? await load() : undefined;
  if (!a) {
    throw new AppError('UNKNOWN_ACTION', `unknown action "${name}"; known actions: ${actionNames().join(', ')}`, {
      status: 400,
      details: { known: actionNames() },
    });
  }
  return a as ActionDefinition<Record<string, unknown>>;
}

/** Validate params, run the action, and turn a thrown error into a failed result (the handler decides on rethrow). */
export async function runAction(
  def: ActionDefinition<Record<string, unknown>>,
  ctx: Omit<ActionContext, 'params'>,
): Promise<ActionResult> {
  let params: Record<string, unknown> = ctx.request.params ?? {};
  if (def.params) {
    const res = def.params.safeParse(params);
    if (!res.success) {
      const why = res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new AppError('ACTION_INVALID', `invalid params for ${def.name}: ${why}`, { status: 400 });
    }
    params = res.data;
  }
  try {
    return await def.run({ ...ctx, params });
  } catch (e) {
    const err = toAppError(e);
    ctx.log.error('action failed', { action: def.name, error: err });
    if (!isAppError(e) || err.retryable) throw err;
    return {
      action: def.name,
      dryRun: ctx.dryRun,
      status: 'failed',
      summary: err.message,
      plan: [],
      done: [],
      errors: [{ code: err.code, message: err.message }],
    };
  }
}
