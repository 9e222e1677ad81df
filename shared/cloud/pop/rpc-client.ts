import { AppError, isAppError } from '#shared/errors/index';
import { retry, type Clock, type CloudCredentials } from '#shared/runtime/index';
import { loadPopCore, plainJson, type PopCoreRpc } from './pop-core';
import { isRejectedBeforeExecution, toPopError } from './to-pop-error';

/** pop-core waits 3 s by default (httpx); RunCommand, DirectMail and cross-region calls need longer. */
export const DEFAULT_POP_TIMEOUT_MS = 20_000;

export interface PopRetryOptions {
  /** Total attempts including the first (default 3). */
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  clock?: Clock;
}

export interface PopClientOptions {
  /** `https://ecs.<region>.aliyuncs.com`, or an emulator URL. */
  endpoint: string;
  apiVersion: string;
  /** Read on every call: FC's STS keys rotate under a warm instance. */
  credentials: () => CloudCredentials | undefined;
  timeoutMs?: number;
  /** Backoff for automatic retries; `false` disables them. */
  retry?: PopRetryOptions | false;
}

export interface RpcRequestOptions {
  /** POST sends a form body (large params such as DirectMail HtmlBody); default GET. */
  method?: 'GET' | 'POST';
  timeoutMs?: number;
  /**
   * The action is safe to repeat (Describe*, or create with a ClientToken): retry every retryable error. Otherwise
   * only errors that prove the call never ran (Throttling*, ServiceUnavailable) are retried.
   */
  idempotent?: boolean;
}

/** A POP RPC client for one product endpoint + API version. */
export interface RpcClient {
  readonly endpoint: string;
  readonly apiVersion: string;
  /** Call `action`; arrays flatten to `Key.N`, objects must be JSON-stringified by the caller (pop-core rule). */
  request<T = Record<string, unknown>>(action: string, params?: Record<string, unknown>, opts?: RpcRequestOptions): Promise<T>;
}

/**
 * RPC (signature v1) client over @alicloud/pop-core, imported lazily. Errors become AppError 'POP_API' with
 * `details: { popCode, requestId, httpStatus }` and `retryable` for throttling, 5xx and network failures.
 * @example
 * const ecs = createRpcClient({ endpoint: 'https://ecs.ap-northeast-2.aliyuncs.com', apiVersion: '2014-05-26', credentials });
 * const { InvokeId } = await ecs.request<{ InvokeId: string }>('RunCommand', { RegionId, Type: 'RunShellScript', ... });
 */
export function createRpcClient(opts: PopClientOptions): RpcClient {
  let client: Promise<PopCoreRpc> | undefined;
  const get = (): Promise<PopCoreRpc> =>
    (client ??= loadPopCore().then(
      (Pop) =>
        new Pop({
          endpoint: opts.endpoint,
          apiVersion: opts.apiVersion,
          credentialsProvider: { getCredentials: async () => requireCredentials(opts.credentials) },
        }),
    ));

  return {
    endpoint: opts.endpoint,
    apiVersion: opts.apiVersion,
    async request<T>(action: string, params: Record<string, unknown> = {}, ro: RpcRequestOptions = {}): Promise<T> {
      const once = async (): Promise<T> => {
        requireCredentials(opts.credentials);
        const c = await get();
        try {
          const out = await c.request(action, params, { method: ro.method ?? 'GET', timeout: ro.timeoutMs ?? opts.timeoutMs ?? DEFAULT_POP_TIMEOUT_MS });
          return plainJson(out) as T;
        } catch (e) {
          throw toPopError(e, `${action} (${opts.apiVersion})`);
        }
      };
      if (opts.retry === false) return once();
      return retry(once, { ...opts.retry, isRetryable: (e) => shouldRetry(e, ro.idempotent === true) });
    },
  };
}

/** Retry policy shared by the RPC and ROA clients. */
export function shouldRetry(e: unknown, idempotent: boolean): boolean {
  if (!isAppError(e) || !e.retryable) return false;
  return idempotent || isRejectedBeforeExecution(e.details?.popCode as string | undefined);
}

/** Current credentials or a clear, non-retryable error (FC function without a role, or no ALIBABA_CLOUD_* env). */
export function requireCredentials(get: () => CloudCredentials | undefined): CloudCredentials {
  const c = get();
  if (!c?.accessKeyId || !c.accessKeySecret) {
    throw new AppError('POP_API', 'no Alibaba Cloud credentials: give the function a RAM role or set ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET', { status: 500 });
  }
  return c;
}
