import { readFile } from 'node:fs/promises';
import { AppError } from '#shared/errors/index';
import { registerSecret } from '#shared/log/redact';
import { systemClock, type Clock } from '#shared/runtime/clock';

/** CS `DescribeClusterUserKubeconfig` as a function (shared/cloud/pop builds it); `expiration` is ISO-8601. */
export type FetchUserConfig = (clusterId: string, minutes: number) => Promise<{ config: string; expiration?: string | undefined }>;

/** Where the kubeconfig comes from, in priority order: CS temporary kubeconfig, base64 env, file. */
export interface KubeconfigSourceOptions {
  /** ASK_CLUSTER_ID: use CS when set (and fetchUserConfig is given). */
  clusterId?: string | undefined;
  fetchUserConfig?: FetchUserConfig;
  /** KUBE_TEMP_MINUTES (15–4320). */
  minutes?: number;
  /** KUBE_CONFIG: base64 kubeconfig, as the seed's CI variable. */
  kubeConfigBase64?: string | undefined;
  /** KUBECONFIG_PATH. */
  kubeconfigPath?: string | undefined;
  clock?: Clock;
  /** Refresh this long before expiry (default 5 min, capped at half the lifetime). */
  refreshBeforeMs?: number;
}

/** A kubeconfig provider for createKubePort: `get()` is cheap while the cached config is fresh. */
export interface KubeconfigSource {
  get(): Promise<string>;
  /** Where the current config came from (for logs; never the content). */
  readonly kind: 'cs' | 'base64' | 'file';
  /** Drop the cache (e.g. after a 401 from the cluster). */
  invalidate(): void;
}

/**
 * Pick the kubeconfig source from configuration. A CS temporary kubeconfig is cached until shortly before its
 * `expiration` (or `minutes` after the fetch when CS sends none); concurrent callers share one fetch. Every config
 * is registered as a secret (it carries a client key or token), so logs scrub it.
 */
export function createKubeconfigSource(opts: KubeconfigSourceOptions): KubeconfigSource {
  const clock = opts.clock ?? systemClock;
  if (opts.clusterId && opts.fetchUserConfig) {
    const minutes = opts.minutes ?? 60;
    const fetchUserConfig = opts.fetchUserConfig;
    const clusterId = opts.clusterId;
    let cached: { config: string; refreshAt: number } | undefined;
    let inflight: Promise<string> | undefined;
    const fetchNow = async (): Promise<string> => {
      const started = clock.now().getTime();
      const r = await fetchUserConfig(clusterId, minutes);
      registerSecret(r.config);
      const parsed = r.expiration ? Date.parse(r.expiration) : NaN;
      const expires = Number.isNaN(parsed) ? started + minutes * 60_000 : parsed;
      const margin = Math.min(opts.refreshBeforeMs ?? 5 * 60_000, Math.max(0, (expires - started) / 2));
      cached = { config: r.config, refreshAt: expires - margin };
      return r.config;
    };
    return {
      kind: 'cs',
      invalidate: () => (cached = undefined),
      get: () => {
        if (cached && clock.now().getTime() < cached.refreshAt) return Promise.resolve(cached.config);
        inflight ??= fetchNow().finally(() => (inflight = undefined));
        return inflight;
      },
    };
  }
  if (opts.kubeConfigBase64) {
    const config = Buffer.from(opts.kubeConfigBase64, 'base64').toString('utf8');
    registerSecret(config);
    return { kind: 'base64', invalidate: () => undefined, get: () => Promise.resolve(config) };
  }
  if (opts.kubeconfigPath) {
    const path = opts.kubeconfigPath;
    let cached: Promise<string> | undefined;
    return {
      kind: 'file',
      invalidate: () => (cached = undefined),
      get: () => {
        cached ??= readFile(path, 'utf8').then((c) => {
          registerSecret(c);
          return c;
        });
        cached.catch(() => (cached = undefined));
        return cached;
      },
    };
  }
  throw new AppError('CONFIG_INVALID', 'kube is not configured: set ASK_CLUSTER_ID (with CS access), KUBE_CONFIG or KUBECONFIG_PATH', {
    status: 500,
    details: { feature: 'kube', missing: ['ASK_CLUSTER_ID', 'KUBE_CONFIG', 'KUBECONFIG_PATH'] },
  });
}
