/**
 * FC 3.0 shapes (https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function;
 * https://www.alibabacloud.com/help/en/functioncompute/fc/user-guide/time-triggers;
 * https://www.alibabacloud.com/help/en/functioncompute/context). The runtime hands `event` over as a Buffer for every
 * trigger.
 */

/** HTTP trigger event (built-in runtimes, FC 3.0). Header names keep their case; repeated values are comma-joined. */
export interface FcHttpEvent {
  version?: string;
  rawPath: string;
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string>;
  queryParameters?: Record<string, string>;
  requestContext?: {
    accountId?: string;
    domainName?: string;
    http?: { method?: string; path?: string; protocol?: string; sourceIp?: string; userAgent?: string };
    requestId?: string;
    time?: string;
    timeEpoch?: string;
  };
}

/** Timer trigger event: `payload` is the trigger's message string (we put JSON naming the action in it). */
export interface FcTimerEvent {
  triggerTime: string;
  triggerName: string;
  payload?: string;
}

/** What an HTTP-triggered handler returns. */
export interface FcHttpResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

export interface FcCredentials {
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
}

/**
 * The Node.js `context` (https://www.alibabacloud.com/help/en/functioncompute/context). `credentials` is `{}` when
 * the function has no role.
 */
export interface FcContext {
  requestId: string;
  credentials?: FcCredentials;
  function?: { name?: string; handler?: string; memory?: number; timeout?: number };
  region?: string;
  accountId?: string;
  retryCount?: number;
  logger?: unknown;
}

/** FC handler signature (ESM export or CJS exports.handler). */
export type FcHandler<R = unknown> = (event: Buffer | string | object, context: FcContext) => Promise<R>;
