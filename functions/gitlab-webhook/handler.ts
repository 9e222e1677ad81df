import { loadConfig, type Config } from '#shared/config/index';
import { AppError, toAppError } from '#shared/errors/index';
import { createLogger, type Logger } from '#shared/log/index';
import { credentialsFrom, errorResponse, systemClock, type FcContext, type FcHttpResponse } from '#shared/runtime/index';
import { createWebhookHandler, type WebhookHandler } from './create-webhook-handler';
import { createWebhookInvoker } from './deps';

export { createWebhookHandler, type WebhookDeps, type WebhookHandler } from './create-webhook-handler';

// Cold start, once per instance: parse config here so a bad env fails every request the same clear way (500,
// fail-closed) instead of crashing the import.
const cold: { config: Config; log: Logger } | { error: AppError; log: Logger } = (() => {
  const base = (level: 'info' | 'debug' | 'warn' | 'error') => createLogger({ level, bindings: { fn: 'gitlab-webhook' } });
  try {
    const config = loadConfig(process.env);
    return { config, log: base(config.env.LOG_LEVEL) };
  } catch (e) {
    return { error: toAppError(e, 'CONFIG_INVALID'), log: base('info') };
  }
})();

// FC 3.0 built-in runtimes run one request per instance at a time
// (alibabacloud.com/help/en/functioncompute/feature-updates-in-function-compute-3), so "this invocation's context" is
// well defined; the invoker reads credentials through it on each call (STS keys rotate).
let current: FcContext | undefined;
let instance: WebhookHandler | undefined;

/**
 * FC entry (`handler.handler`, HTTP trigger, anonymous auth): GitLab system/project hooks in, 202 out, work handed to
 * the ops-worker by async invocation.
 */
export async function handler(event: Buffer | string | object, context: FcContext): Promise<FcHttpResponse> {
  if ('error' in cold) {
    cold.log.error('configuration invalid', { requestId: context.requestId, error: cold.error });
    return errorResponse(new AppError('CONFIG_INVALID', 'webhook is misconfigured', { status: 500 }));
  }
  const { config, log } = cold;
  current = context;
  instance ??= createWebhookHandler({
    config,
    log,
    clock: systemClock,
    fc: createWebhookInvoker(config, () => credentialsFrom(current, config.env), () => current?.accountId),
  });
  return instance(event, context);
}
