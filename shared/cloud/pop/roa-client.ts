import { retry } from '#shared/runtime/index';
import { loadPopCore, plainJson, type PopCoreRoa } from './pop-core';
import { DEFAULT_POP_TIMEOUT_MS, requireCredentials, shouldRetry, type PopClientOptions } from './rpc-client';
import { toPopError } from './to-pop-error';

export interface RoaRequestOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Safe to repeat (GETs are): retry every retryable error, not only throttling. Default: true for GET. */
  idempotent?: boolean;
}

/** A POP ROA client (CS and other REST-style products). */
export interface RoaClient {
  readonly endpoint: string;
  readonly apiVersion: string;
  /** `body` objects are sent as JSON. Returns the parsed JSON body (or the raw text for non-JSON answers). */
  request<T = unknown>(method: string, path: string, query?: Record<string, string>, body?: unknown, opts?: RoaRequestOptions): Promise<T>;
}

/**
 * ROA client over pop-core's ROAClient (`Authorization: acs AK:sig`, x-acs-* headers), imported lazily, with the
 * same credentials-per-call, timeout, error mapping and retry rules as `createRpcClient`.
 */
export function createRoaClient(opts: PopClientOptions): RoaClient {
  let client: Promise<PopCoreRoa> | undefined;
  const get = (): Promise<PopCoreRoa> =>
    (client ??= loadPopCore().then(
      (Pop) =>
        new Pop.ROAClient({
          endpoint: opts.endpoint,
          apiVersion: opts.apiVersion,
          credentialsProvider: { getCredentials: async () => requireCredentials(opts.credentials) },
        }),
    ));

  return {
    endpoint: opts.endpoint,
    apiVersion: opts.apiVersion,
    async request<T>(method: string, path: string, query: Record<string, string> = {}, body?: unknown, ro: RoaRequestOptions = {}): Promise<T> {
      const m = method.toUpperCase();
      const headers = { ...ro.headers };
      let text = '';
      if (body !== undefined) {
        text = typeof body === 'string' ? body : JSON.stringify(body);
        if (typeof body !== 'string') headers['content-type'] ??= 'application/json';
      }
      const once = async (): Promise<T> => {
        requireCredentials(opts.credentials);
        const c = await get();
        try {
          const out = await c.request(m, path, query, text, headers, { timeout: ro.timeoutMs ?? opts.timeoutMs ?? DEFAULT_POP_TIMEOUT_MS });
          return plainJson(out) as T;
        } catch (e) {
          throw toPopError(e, `${m} ${path} (${opts.apiVersion})`);
        }
      };
      if (opts.retry === false) return once();
      return retry(once, { ...opts.retry, isRetryable: (e) => shouldRetry(e, ro.idempotent ?? m === 'GET') });
    },
  };
}
