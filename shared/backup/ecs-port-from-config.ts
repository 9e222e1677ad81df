import { createRpcClient } from '#shared/cloud/pop/index';
import type { Config } from '#shared/config/index';
import type { CloudCredentials } from '#shared/runtime/index';
import { createEcsPort, ECS_API_VERSION, type EcsPort } from './ecs-port';

/** Public ECS endpoint of a region (Cloud Assistant lives in the ECS API). */
export function ecsEndpoint(region: string): string {
  return `https://ecs.${region}.aliyuncs.com`;
}

/**
 * The `ecs` port from config: ECS_REGION (default FC_REGION), ECS_ENDPOINT (default the public regional endpoint).
 * RunCommand carries a ~10 KB script, so the RPC timeout is generous.
 */
export function ecsPortFromConfig(d: { config: Config; credentials: () => CloudCredentials | undefined }): EcsPort {
  const e = d.config.env;
  const region = e.ECS_REGION ?? e.FC_REGION;
  const rpc = createRpcClient({ endpoint: e.ECS_ENDPOINT ?? ecsEndpoint(region), apiVersion: ECS_API_VERSION, credentials: d.credentials, timeoutMs: 30_000 });
  return createEcsPort(rpc, region);
}
