import { requireKeys, type Config } from '#shared/config/index';
import type { CloudCredentials } from '#shared/runtime/index';
import { createOssPort } from './create-oss-port';
import type { OssPort } from './oss-port';

/**
 * The `oss` port from config: OSS_BUCKET (required on first use), OSS_REGION (default FC_REGION), OSS_ENDPOINT
 * (default the region's internal endpoint: the worker runs in the VPC).
 */
export function ossPortFromConfig(d: { config: Config; credentials: () => CloudCredentials | undefined }): OssPort {
  requireKeys(d.config, 'oss', ['OSS_BUCKET']);
  const e = d.config.env;
  return createOssPort({ bucket: e.OSS_BUCKET!, region: e.OSS_REGION ?? e.FC_REGION, ...(e.OSS_ENDPOINT ? { endpoint: e.OSS_ENDPOINT } : {}), credentials: d.credentials });
}
