import { createFcInvoker } from '#shared/cloud/fc/create-fc-invoker';
import type { FcInvoker } from '#shared/cloud/fc/fc-invoker';
import type { Config } from '#shared/config/index';
import type { CloudCredentials } from '#shared/runtime/index';

/**
 * The production FC invoker for the webhook: FC 3.0 async invoke of WORKER_FUNCTION via fc2 (docs/adr/0002), with
 * credentials and account id read per call (STS keys rotate; FC sets FC_ACCOUNT_ID, the context carries it too).
 */
export function createWebhookInvoker(
  config: Config,
  credentials: () => CloudCredentials | undefined,
  accountId: () => string | undefined,
): FcInvoker {
  const env = config.env;
  let inner: { account: string; fc: FcInvoker } | undefined;
  return {
    invokeAsync(req) {
      const account = env.FC_ACCOUNT_ID ?? accountId() ?? '';
      if (inner?.account !== account) {
        inner = {
          account,
          fc: createFcInvoker({
            accountId: account,
            region: env.FC_REGION,
            internal: env.FC_INTERNAL,
            credentials,
            ...(env.FC_ENDPOINT ? { endpoint: env.FC_ENDPOINT } : {}),
          }),
        };
      }
      return inner.fc.invokeAsync(req);
    },
  };
}
