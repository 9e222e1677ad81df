import type { Env } from '#shared/config/index';
import type { FcContext } from './fc-types';

/** Alibaba Cloud credentials: inside FC the role's STS keys (always pass the security token). */
export interface CloudCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/**
 * Credentials from the FC context (STS, role of the function), else from `ALIBABA_CLOUD_*` env (FC sets these too;
 * local runs and the sandbox use them). Returns undefined when neither has a key.
 */
export function credentialsFrom(context: FcContext | undefined, env: Env): CloudCredentials | undefined {
  const c = context?.credentials;
  if (c?.accessKeyId && c.accessKeySecret) {
    return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, ...(c.securityToken ? { securityToken: c.securityToken } : {}) };
  }
  if (env.ALIBABA_CLOUD_ACCESS_KEY_ID && env.ALIBABA_CLOUD_ACCESS_KEY_SECRET) {
    return {
      accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID,
      accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
      ...(env.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN } : {}),
    };
  }
  return undefined;
}
