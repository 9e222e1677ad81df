import type { AsyncConfig } from './task-record';
import { fcErrors } from './fc-error';

/** What the emulator knows of a deployed function (the local runtime builds it from s.yaml). */
export interface FunctionDescription {
  functionName: string;
  runtime?: string;
  handler: string;
  timeout: number;
  memorySize: number;
  description?: string;
  role?: string;
  environmentVariables: Record<string, string>;
  logConfig?: Record<string, unknown>;
  vpcConfig?: Record<string, unknown>;
  asyncInvokeConfig?: AsyncConfig;
  triggers: Array<{ triggerName: string; triggerType: string; triggerConfig: Record<string, unknown>; urlInternet?: string; urlIntranet?: string }>;
}

export interface FunctionApiContext {
  accountId: string;
  region: string;
  /** When the emulated functions were "deployed" (createdTime / lastModifiedTime). */
  deployedAt: string;
}

const arn = (ctx: FunctionApiContext, fn: string): string => `acs:fc:${ctx.region}:${ctx.accountId}:functions/${fn}`;

/**
 * GetFunction's `Function` (aliyun/alibabacloud-typescript-sdk `fc-20230330/src/models/Function.ts`): the deployed
 * props plus `functionArn`, `functionId`, times and `state` (`Active` once deployed; FC also reports Pending and
 * Failed while or after an update).
 */
export function functionView(d: FunctionDescription, ctx: FunctionApiContext): Record<string, unknown> {
  return {
    functionName: d.functionName,
    functionArn: arn(ctx, d.functionName),
    functionId: `${ctx.accountId.slice(-6)}-${d.functionName}`,
    ...(d.runtime ? { runtime: d.runtime } : {}),
    handler: d.handler,
    timeout: d.timeout,
    memorySize: d.memorySize,
    ...(d.description ? { description: d.description } : {}),
    ...(d.role ? { role: d.role } : {}),
    environmentVariables: d.environmentVariables,
    ...(d.logConfig ? { logConfig: d.logConfig } : {}),
    ...(d.vpcConfig ? { vpcConfig: d.vpcConfig } : {}),
    createdTime: ctx.deployedAt,
    lastModifiedTime: ctx.deployedAt,
    state: 'Active',
    lastUpdateStatus: 'Successful',
  };
}

/**
 * GetAsyncInvokeConfig's `AsyncConfig` (`GET /2023-03-30/functions/{fn}/async-invoke-config`, help.aliyun.com/zh/
 * functioncompute/fc/developer-reference/api-fc-2023-03-30-getasyncinvokeconfig): asyncTask, the retry and age
 * limits, functionArn and times; 404 for a function deployed without one (code name UNCONFIRMED).
 */
export function asyncConfigView(d: FunctionDescription, ctx: FunctionApiContext): Record<string, unknown> {
  const a = d.asyncInvokeConfig;
  if (!a) throw fcErrors.asyncConfigNotFound(d.functionName);
  return {
    asyncTask: a.asyncTask ?? false,
    maxAsyncRetryAttempts: a.maxAsyncRetryAttempts ?? 3,
    maxAsyncEventAgeInSeconds: a.maxAsyncEventAgeInSeconds ?? 86_400,
    functionArn: arn(ctx, d.functionName),
    createdTime: ctx.deployedAt,
    lastModifiedTime: ctx.deployedAt,
  };
}

/**
 * A `Trigger` (fc-20230330 `Trigger.ts`): `triggerConfig` is a JSON **string**; HTTP triggers carry
 * `httpTrigger: {urlInternet, urlIntranet}` (`HTTPTrigger.ts`); `status` Success once created.
 */
export function triggerView(d: FunctionDescription, t: FunctionDescription['triggers'][number], ctx: FunctionApiContext): Record<string, unknown> {
  return {
    triggerName: t.triggerName,
    triggerType: t.triggerType,
    triggerConfig: JSON.stringify(t.triggerConfig),
    triggerId: `${d.functionName}-${t.triggerName}`,
    qualifier: 'LATEST',
    targetArn: arn(ctx, d.functionName),
    status: 'Success',
    createdTime: ctx.deployedAt,
    lastModifiedTime: ctx.deployedAt,
    ...(t.triggerType === 'http' ? { httpTrigger: { ...(t.urlInternet ? { urlInternet: t.urlInternet } : {}), ...(t.urlIntranet ? { urlIntranet: t.urlIntranet } : {}) } } : {}),
  };
}

/** ListTriggers (`GET …/functions/{fn}/triggers`, query `prefix`, `limit` 1–100, `nextToken`) → `{triggers, nextToken?}`. */
export function listTriggers(d: FunctionDescription, query: Record<string, string>, ctx: FunctionApiContext): Record<string, unknown> {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw fcErrors.invalidArgument(`limit must be between 1 and 100, got '${String(query.limit).slice(0, 20)}'`);
  const all = d.triggers.filter((t) => !query.prefix || t.triggerName.startsWith(query.prefix)).sort((a, b) => a.triggerName.localeCompare(b.triggerName));
  const from = query.nextToken ? all.findIndex((t) => t.triggerName === Buffer.from(query.nextToken!, 'base64url').toString('utf8')) : 0;
  if (from < 0) throw fcErrors.invalidArgument('invalid nextToken');
  const page = all.slice(from, from + limit);
  const next = all[from + limit];
  return { triggers: page.map((t) => triggerView(d, t, ctx)), ...(next ? { nextToken: Buffer.from(next.triggerName).toString('base64url') } : {}) };
}

/** GetTrigger (`GET …/functions/{fn}/triggers/{name}`). */
export function getTrigger(d: FunctionDescription, name: string, ctx: FunctionApiContext): Record<string, unknown> {
  const t = d.triggers.find((x) => x.triggerName === name);
  if (!t) throw fcErrors.triggerNotFound(d.functionName, name);
  return triggerView(d, t, ctx);
}
