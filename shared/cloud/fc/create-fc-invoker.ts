import { AppError } from '#shared/errors/index';
import type { CloudCredentials } from '#shared/runtime/credentials';
import type { FcInvoker } from './fc-invoker';

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

/** The HTTP status fc2 folds into its message ("POST /x failed with 409. requestid: ..."); it has no status field. */
function statusOf(e: unknown): number | undefined {
  const m = /failed with (\d{3})\b/.exec(e instanceof Error ? e.message : '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Build the `fc` port on @alicloud/fc2 with `client.version = '2023-03-30'`, so `POST /functions/<fn>/invocations`
 * is signed and sent as FC 3.0 InvokeFunction. Every failure is HANDOFF_FAILED (retryable: GitLab or the caller
 * tries again); a task id FC already holds (409) is reported as `duplicate`, not as an error.
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
      const fn = encodeURIComponent(req.functionName);
      try {
        const res = await client.post(`/functions/${fn}/invocations`, req.payload, {
          'x-fc-invocation-type': 'Async',
          'x-fc-async-task-id': req.taskId,
        });
        const rid = res.headers['x-fc-request-id'];
        return { duplicate: false, ...(typeof rid === 'string' ? { requestId: rid } : {}) };
      } catch (e) {
        const status = statusOf(e);
        if (status === 409) return { duplicate: true };
        const fcCode = (e as { code?: unknown }).code;
        const code = typeof fcCode === 'string' ? fcCode : 'network';
        throw new AppError('HANDOFF_FAILED', `async invoke of ${req.functionName} failed: ${code}${status ? ` (${status})` : ''}`, {
          status: 502,
          retryable: true,
          cause: e,
          details: { functionName: req.functionName, fcCode: code, ...(status ? { fcStatus: status } : {}) },
        });
      }
    },
  };
}
