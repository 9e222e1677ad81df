import { createHash } from 'node:crypto';
import { AppError } from '#shared/errors/index';
import type { CloudCredentials } from '#shared/runtime/credentials';
import type { FcInvoker } from './fc-invoker';
import { postRaw } from './post-raw';
import { classifyFcFailure, readFcError } from './read-fc-error';

export interface FcInvokerOptions {
  accountId: string;
  region: string;
  /** Full endpoint (the sandbox sets it); default `https://<account>.<region>[-internal].fc.aliyuncs.com`. */
  endpoint?: string;
  /** Use the VPC-internal endpoint (no public egress from FC). Ignored when `endpoint` is set. */
  internal?: boolean;
  /** Read on every call: inside FC these are the role's STS keys, which rotate. */
  credentials: () => CloudCredentials | undefined;
  /** Per request; fc2's own default is 60 s, far above what a webhook ack can afford. */
  timeoutMs?: number;
}

/** The FC 3.0 API version whose paths we sign with fc2's 2.0 signer (docs/adr/0002-fc3-invoke-via-fc2.md). */
export const FC3_API_VERSION = '2023-03-30';

const TASK_ID = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

type Fc2Module = typeof import('@alicloud/fc2');
let fc2: Promise<Fc2Module['default']> | undefined;
/** Loaded on first use: fc2 drags in axios, ali-oss and ws, which the webhook's cold start should not pay for. */
function loadFc2(): Promise<Fc2Module['default']> {
  fc2 ??= import('@alicloud/fc2').then((m) => ((m as { default?: Fc2Module['default'] }).default ?? (m as unknown as Fc2Module['default'])));
  return fc2;
}

/**
 * Build the `fc` port: FC 3.0 InvokeFunction (`POST /2023-03-30/functions/<fn>/invocations`, Async, with a task id),
 * signed by @alicloud/fc2 (its headers and `FC ak:sig` signer with `client.version = '2023-03-30'`, ADR 0002) and sent
 * by us, so the error body is ours to read: fc2 only parses the 2.0 `{ErrorCode}` shape and FC 3.0 answers
 * `{Code, Message, RequestId}` (ADR 0017). A 409 is `{ duplicate: true }` unless its code is known to mean something
 * else (`classifyFcFailure`: FC documents the status of a repeated task id, not a code); every other failure is HANDOFF_FAILED with FC's code and status in `details`, retryable only for throttling, 5xx and network.
 *
 * @example
 * const fc = createFcInvoker({ accountId, region, credentials: () => creds });
 * await fc.invokeAsync({ functionName: 'ops-worker', payload: '{"action":"ping"}', taskId: 'push_abc' });
 */
export function createFcInvoker(opts: FcInvokerOptions): FcInvoker {
  return {
    async invokeAsync(req) {
      if (!TASK_ID.test(req.taskId)) {
        throw new AppError('HANDOFF_FAILED', `invalid async task id "${req.taskId.slice(0, 40)}"`, { status: 500 });
      }
      const creds = opts.credentials();
      if (!creds) throw new AppError('HANDOFF_FAILED', 'no cloud credentials for the FC API', { status: 500 });
      const FCClient = await loadFc2();
      let client: InstanceType<typeof FCClient>;
      try {
        // A new client per call is cheap (the constructor only stores fields) and picks up rotated STS keys.
        client = new FCClient(opts.accountId, {
          accessKeyID: creds.accessKeyId,
          accessKeySecret: creds.accessKeySecret,
          ...(creds.securityToken ? { securityToken: creds.securityToken } : {}),
          region: opts.region,
          secure: true,
          internal: opts.internal ?? false,
          ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
          timeout: opts.timeoutMs ?? 5_000,
        });
      } catch (e) {
        // fc2 throws TypeError for an STS key without token etc.; its message names the field, never the value.
        throw new AppError('HANDOFF_FAILED', `FC client rejected the credentials: ${(e as Error).message}`, { status: 500, cause: e });
      }
      client.version = FC3_API_VERSION;
      const path = `/functions/${encodeURIComponent(req.functionName)}/invocations`;
      const body = Buffer.from(req.payload, 'utf8');
      // The headers fc2's own request() builds (date, host, account, STS token, user agent) plus fc2's body digests.
      const headers: Record<string, string> = {
        ...client.buildHeaders(),
        'content-type': 'application/octet-stream',
        'content-length': String(body.length),
        'content-md5': Buffer.from(createHash('md5').update(body).digest('hex'), 'utf8').toString('base64'),
        'x-fc-invocation-type': 'Async',
        'x-fc-async-task-id': req.taskId,
      };
      headers.authorization = FCClient.getSignature(creds.accessKeyId, creds.accessKeySecret, 'POST', `/${FC3_API_VERSION}${path}`, headers, null);
      const where = { functionName: req.functionName };
      let res;
      try {
        res = await postRaw(`${client.endpoint}/${FC3_API_VERSION}${path}`, headers, body, { timeoutMs: opts.timeoutMs ?? 5_000 });
      } catch (e) {
        const net = String((e as { code?: unknown }).code ?? (e as Error).name);
        throw new AppError('HANDOFF_FAILED', `async invoke of ${req.functionName} failed: network error (${net})`, {
          status: 503,
          retryable: true,
          cause: e,
          details: { ...where, fcCode: 'network', network: net },
        });
      }
      const rid = res.headers['x-fc-request-id'];
      const requestId = typeof rid === 'string' ? rid : undefined;
      if (res.status >= 200 && res.status < 300) return { duplicate: false, ...(requestId ? { requestId } : {}) };
      const info = readFcError(res.text, requestId);
      const failure = classifyFcFailure(res.status, info.code);
      if (failure.kind === 'duplicate') return { duplicate: true };
      const fcCode = info.code ?? `HTTP ${res.status}`;
      // FC answered: 503 when it may work later (throttled, FC-side error), 502 when FC refused the request itself.
      throw new AppError('HANDOFF_FAILED', `async invoke of ${req.functionName} refused by FC: ${fcCode} (${res.status})`, {
        status: failure.retryable ? 503 : 502,
        retryable: failure.retryable,
        details: { ...where, fcCode, fcStatus: res.status, ...(info.requestId ? { fcRequestId: info.requestId } : {}) },
      });
    },
  };
}
