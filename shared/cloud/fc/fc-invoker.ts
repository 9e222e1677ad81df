/**
 * Port for handing work to another function through FC 3.0 async invocation
 * (https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/developer-reference/api-fc-2023-03-30-invokefunction:
 * `POST /2023-03-30/functions/{fn}/invocations` with `x-fc-invocation-type: Async` and `x-fc-async-task-id`).
 * The webhook codes against this interface; the fc2-based implementation lives beside it.
 */
export interface FcAsyncInvokeRequest {
  functionName: string;
  /**
   * The event the target receives (JSON text); async payloads are limited to 128 KB
   * (https://www.alibabacloud.com/help/doc-detail/2527064.html).
   */
  payload: string;
  /** Async task id: starts with a letter or `_`, then `[A-Za-z0-9_-]`, ≤128 chars. FC keeps one task per id. */
  taskId: string;
}

export interface FcAsyncInvokeResult {
  requestId?: string;
  /** FC already had a task with this id: the work is queued already, so the caller treats it as success. */
  duplicate: boolean;
}

/** Narrow FC port: queue one async invocation. Throws an AppError (`FC_API`/`HANDOFF_FAILED`) when it could not. */
export interface FcInvoker {
  invokeAsync(req: FcAsyncInvokeRequest): Promise<FcAsyncInvokeResult>;
}
