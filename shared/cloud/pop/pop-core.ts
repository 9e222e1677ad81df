import type { CloudCredentials } from '#shared/runtime/index';

/**
 * The slice of @alicloud/pop-core 1.8 we use. Its own typings (`lib/rpc.d.ts`) lack `credentialsProvider` and the
 * ROAClient (https://github.com/aliyun/openapi-core-nodejs-sdk/issues/37), so we describe what lib/rpc.js and
 * lib/roa.js do.
 */
export interface PopCoreConfig {
  endpoint: string;
  apiVersion: string;
  credentialsProvider: { getCredentials(): Promise<CloudCredentials> };
  opts?: { timeout?: number };
}

export interface PopCoreRpc {
  request(action: string, params: Record<string, unknown>, opts: { method?: 'GET' | 'POST'; timeout?: number; formatParams?: boolean }): Promise<unknown>;
}

export interface PopCoreRoa {
  request(method: string, path: string, query: Record<string, string>, body: string, headers: Record<string, string>, opts: { timeout?: number }): Promise<unknown>;
}

interface PopCoreModule {
  new (config: PopCoreConfig): PopCoreRpc;
  ROAClient: new (config: PopCoreConfig) => PopCoreRoa;
}

let mod: Promise<PopCoreModule> | undefined;

/** Import pop-core on first use, so bundles and cold starts that never call POP don't pay for it. */
export function loadPopCore(): Promise<PopCoreModule> {
  mod ??= import('@alicloud/pop-core').then((m) => ((m as { default?: unknown }).default ?? m) as PopCoreModule);
  return mod;
}

/**
 * pop-core parses with json-bigint: integers above 2^53 come back as BigNumber objects (lib/rpc.js). Turn them
 * into decimal strings and drop the null prototypes so callers get plain JSON.
 */
export function plainJson(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(plainJson);
  const o = v as Record<string, unknown> & { _isBigNumber?: boolean; isBigNumber?: boolean };
  if ((o._isBigNumber === true || o.isBigNumber === true) && typeof o.toFixed === 'function') return (o.toFixed as () => string)();
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = plainJson(x);
  return out;
}
