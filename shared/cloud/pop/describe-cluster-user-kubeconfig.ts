import { AppError } from '#shared/errors/index';
import type { RoaClient } from './roa-client';

/** CS API version of DescribeClusterUserKubeconfig (https://help.aliyun.com/document_detail/183915.htm). */
export const CS_API_VERSION = '2015-12-15';

export interface ClusterKubeconfig {
  /** Kubeconfig YAML (holds a client certificate: treat as a secret). */
  config: string;
  /** As returned, e.g. `2026-11-28T09:30:00Z`; absent for non-temporary configs. */
  expiration: string | undefined;
  expiresAt: Date | undefined;
}

/**
 * Fetch a temporary kubeconfig for an ASK/ACK cluster over its private endpoint:
 * `GET /k8s/{ClusterId}/user_config?PrivateIpAddress=true&TemporaryDurationMinutes=` (15–4320).
 */
export async function describeClusterUserKubeconfig(roa: RoaClient, clusterId: string, minutes: number): Promise<ClusterKubeconfig> {
  if (!Number.isInteger(minutes) || minutes < 15 || minutes > 4320) {
    throw new AppError('POP_API', `TemporaryDurationMinutes must be an integer in 15..4320, got ${minutes}`, { status: 500 });
  }
  const out = await roa.request<{ config?: string; expiration?: string }>(
    'GET',
    `/k8s/${encodeURIComponent(clusterId)}/user_config`,
    { PrivateIpAddress: 'true', TemporaryDurationMinutes: String(minutes) },
  );
  if (typeof out?.config !== 'string' || !out.config) {
    throw new AppError('POP_API', `DescribeClusterUserKubeconfig returned no config for cluster ${clusterId}`, { status: 502, retryable: true });
  }
  const t = out.expiration ? Date.parse(out.expiration) : NaN;
  return { config: out.config, expiration: out.expiration, expiresAt: Number.isNaN(t) ? undefined : new Date(t) };
}
