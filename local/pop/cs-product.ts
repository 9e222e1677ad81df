import { PopError } from './pop-error';
import { popTimestamp } from './signing';
import type { PopProduct } from './types';

export interface CsProductOptions {
  /** Kubeconfig YAML handed out (the sandbox points it at the Kubernetes emulator). */
  kubeconfig: () => string;
  /** Known cluster ids; default: any id is accepted. */
  clusters?: string[];
  now?: () => Date;
}

/**
 * Container Service (CS, ROA 2015-12-15): `DescribeClusterUserKubeconfig` =
 * `GET /k8s/{ClusterId}/user_config?PrivateIpAddress=&TemporaryDurationMinutes=15..4320` → `{ config, expiration }`
 * (https://help.aliyun.com/document_detail/183915.htm;
 * https://github.com/aliyun/alibabacloud-typescript-sdk/blob/8b965ef8/cs-20151215/src/models/DescribeClusterUserKubeconfigRequest.ts).
 */
export function csProduct(opts: CsProductOptions): PopProduct & { requests: Array<{ clusterId: string; minutes?: number; privateIp: boolean }> } {
  const requests: Array<{ clusterId: string; minutes?: number; privateIp: boolean }> = [];
  const now = opts.now ?? (() => new Date());
  return {
    name: 'cs',
    version: '2015-12-15',
    requests,
    roaRoutes: [
      {
        method: 'GET',
        path: '/k8s/:ClusterId/user_config',
        handler: ({ params, query }) => {
          const clusterId = params.ClusterId!;
          if (opts.clusters && !opts.clusters.includes(clusterId)) {
            throw new PopError(404, 'ErrorClusterNotFound', `The specified cluster ${clusterId} does not exist.`);
          }
          const raw = query.TemporaryDurationMinutes;
          const minutes = raw === undefined ? undefined : Number(raw);
          if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 15 || minutes > 4320)) {
            throw new PopError(400, 'ErrorQueryParam', 'TemporaryDurationMinutes must be between 15 and 4320.');
          }
          requests.push({ clusterId, ...(minutes !== undefined ? { minutes } : {}), privateIp: query.PrivateIpAddress === 'true' });
          // Without a duration CS issues its long-lived (3-year) certificate config.
          const ttl = (minutes ?? 3 * 365 * 24 * 60) * 60_000;
          return { config: opts.kubeconfig(), expiration: popTimestamp(new Date(now().getTime() + ttl)) };
        },
      },
    ],
  };
}
