import { createRpcClient } from '#shared/cloud/pop/index';
import type { Config } from '#shared/config/index';
import type { Logger } from '#shared/log/index';
import type { CloudCredentials } from '#shared/runtime/index';
import { createMailer, createSkippingMailer, type Mailer } from './mailer';

/** DirectMail API version (https://www.alibabacloud.com/help/en/direct-mail/api-endpoints). */
export const DM_API_VERSION = '2015-11-23';

/** Public DirectMail endpoint of a region: cn-hangzhou is `dm.aliyuncs.com`, others `dm.<region>.aliyuncs.com`. */
export function dmEndpoint(region: string): string {
  return region === 'cn-hangzhou' ? 'https://dm.aliyuncs.com' : `https://dm.${region}.aliyuncs.com`;
}

/**
 * Build the `mail` port from config: a DirectMail mailer, or a skipping one when MAIL_ENABLED=false or
 * MAIL_FROM/MAIL_TO are unset (so features can always call `send`).
 */
export function createMailPort(deps: { config: Config; log: Logger; credentials: () => CloudCredentials | undefined }): Mailer {
  const env = deps.config.env;
  const log = deps.log.child({ port: 'mail' });
  if (!env.MAIL_ENABLED) return createSkippingMailer(log, 'MAIL_ENABLED=false');
  const missing = [!env.MAIL_FROM && 'MAIL_FROM', env.MAIL_TO.length === 0 && 'MAIL_TO'].filter(Boolean);
  if (missing.length) return createSkippingMailer(log, `mail not configured: set ${missing.join(', ')}`);
  const rpc = createRpcClient({ endpoint: env.DM_ENDPOINT ?? dmEndpoint(env.DM_REGION), apiVersion: DM_API_VERSION, credentials: deps.credentials });
  return createMailer({
    rpc,
    from: env.MAIL_FROM!,
    ...(env.MAIL_FROM_ALIAS ? { fromAlias: env.MAIL_FROM_ALIAS } : {}),
    subjectPrefix: env.MAIL_SUBJECT_PREFIX,
    to: env.MAIL_TO,
    region: env.DM_REGION,
    log,
  });
}
