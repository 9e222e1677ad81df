import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, sendJson } from '#local/sandbox/http-util';
import type { FcCredential } from '#local/fc/fc-auth';
import { FcApiError, fcErrors, newRequestId, sendFcError } from '#local/fc/fc-error';
import { ASYNC_MAX_BYTES, startFcEmulator, SYNC_MAX_BYTES, type FcEmulator } from '#local/fc/fc-emulator';
import type { FunctionDescription } from '#local/fc/function-api';
import { BodyTooLargeError, readBodyLimited } from '#local/fc/read-body';
import { FunctionHost } from './function-host';
import { toFcHttpEvent, writeFcHttpResponse } from './http-event';
import { loadSYaml, type FunctionSpec } from './s-yaml';
import { startTimers, timerTriggers, type ScheduledTimer } from './timers';

export interface LocalRuntimeOptions {
  sYamlPath: string;
  /** HTTP trigger port (default 9000; 0 = random, as tests use). */
  port?: number;
  /** Sandbox env: overrides the s.yaml function env (emulator URLs beat production endpoints). */
  env?: Record<string, string>;
  /** Fire timer triggers on their cron (npm start); tests leave this off and enqueue by hand. */
  timers?: boolean;
  accountId?: string;
  /** STS keys the FC emulator accepts and handlers receive; generated when absent. */
  credentials?: FcCredential;
  functionDirs?: Record<string, string>;
  fcPort?: number;
  retryBaseMs?: number;
  /** Largest synchronous HTTP-trigger body (FC: 32 MB); async calls are held to FC's 128 KB. Enforced while reading. */
  maxBodyBytes?: number;
  /** Async queue bounds per function (local/fc/async-queue.ts). */
  maxQueuedPerFunction?: number;
  maxRetainedPerFunction?: number;
}

export interface LocalRuntime {
  /** Base of the HTTP triggers: `${url}/<functionName>`. */
  url: string;
  /** FC API endpoint (set as FC_ENDPOINT for the functions). */
  fcUrl: string;
  fc: FcEmulator;
  functions: FunctionSpec[];
  timers: ScheduledTimer[];
  /** The env the functions see (process.env was set from it before their first import). */
  env: Record<string, string>;
  credentials: FcCredential;
  close(): Promise<void>;
}

/**
 * The function as FC's GetFunction/ListTriggers would show it after `s deploy`: s.yaml's props, its own variables
 * with the values the sandbox gives them (FC lists no system variables), and the trigger URL this runtime serves.
 */
function describeFunction(f: FunctionSpec, triggerUrl: string, env: Record<string, string>): FunctionDescription {
  return {
    functionName: f.functionName, handler: f.handler, timeout: f.timeout, memorySize: f.memorySize,
    ...(f.runtime ? { runtime: f.runtime } : {}), ...(f.description ? { description: f.description } : {}), ...(f.role ? { role: f.role } : {}),
    environmentVariables: Object.fromEntries(Object.keys(f.environmentVariables).map((k) => [k, env[k] ?? f.environmentVariables[k]!])),
    ...(f.logConfig ? { logConfig: f.logConfig } : {}), ...(f.vpcConfig ? { vpcConfig: f.vpcConfig } : {}),
    ...(f.asyncInvokeConfig ? { asyncInvokeConfig: f.asyncInvokeConfig } : {}),
    triggers: f.triggers.map((t) => ({ ...t, ...(t.triggerType === 'http' ? { urlInternet: triggerUrl, urlIntranet: triggerUrl } : {}) })),
  };
}

/** Sandbox STS keys: an `STS.` key id makes fc2 insist on the token, as with a real function role. */
export function sandboxCredentials(): FcCredential {
  return { accessKeyId: `STS.sandbox${randomBytes(6).toString('hex')}`, accessKeySecret: randomBytes(18).toString('base64url'), securityToken: randomBytes(24).toString('base64url') };
}

/**
 * The local FC runtime: reads s.yaml, serves each fc3 function's HTTP trigger at `/<functionName>`, fires timer
 * triggers through the FC emulator's async queue, and answers the FC API for async invokes between functions.
 *
 * @example
 * const rt = await startLocalRuntime({ sYamlPath: 's.yaml', port: 9000, timers: true, env: sandbox.env });
 */
export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime> {
  const accountId = opts.accountId ?? '1234567890123456';
  const credentials = opts.credentials ?? sandboxCredentials();
  const functions = await loadSYaml(opts.sYamlPath, { env: opts.env ?? {}, accountId });
  const timers = timerTriggers(functions); // parse before anything starts: a bad cron fails startup
  const host = new FunctionHost({ functions, credentials, accountId, ...(opts.functionDirs ? { functionDirs: opts.functionDirs } : {}) });
  let triggerBase = ''; // known once the trigger server listens (below)
  const fc = await startFcEmulator({
    describe: (fn) => {
      const f = host.spec(fn);
      return f && describeFunction(f, `${triggerBase}/${encodeURIComponent(f.functionName)}`, env);
    },
    accountId,
    credentials: [credentials],
    hasFunction: (fn) => host.has(fn),
    asyncConfig: (fn) => host.spec(fn)?.asyncInvokeConfig,
    invoke: (fn, payload, meta) => host.invoke(fn, Buffer.from(payload, 'utf8'), meta),
    ...(opts.fcPort !== undefined ? { port: opts.fcPort } : {}),
    ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}),
    ...(opts.maxQueuedPerFunction !== undefined ? { maxQueuedPerFunction: opts.maxQueuedPerFunction } : {}),
    ...(opts.maxRetainedPerFunction !== undefined ? { maxRetainedPerFunction: opts.maxRetainedPerFunction } : {}),
    region: functions[0]?.region ?? 'ap-northeast-2',
  });
  // Both functions share one process, so one env: s.yaml values, then the sandbox's, then FC system variables
  // (https://www.alibabacloud.com/help/en/functioncompute/fc/environment-variables). Set before the first handler
  // import, because handlers parse config at cold start.
  const env: Record<string, string> = Object.assign({}, ...functions.map((f) => f.environmentVariables), opts.env ?? {}, {
    FC_ENDPOINT: fc.url,
    FC_ACCOUNT_ID: accountId,
    FC_REGION: functions[0]?.region ?? 'ap-northeast-2',
    ALIBABA_CLOUD_ACCESS_KEY_ID: credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: credentials.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: credentials.securityToken ?? '',
  });
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    try {
      await serveTrigger(req, res, requestId);
    } catch (e) {
      // Refusals FC's gateway makes before a function runs, in the FC 3.0 error shape (their exact codes and
      // statuses on HTTP triggers are UNCONFIRMED; the codes are the documented API ones).
      if (e instanceof BodyTooLargeError) return sendFcError(res, fcErrors.entityTooLarge(e.limit), requestId, { close: true });
      if (e instanceof FcApiError) return sendFcError(res, e, requestId);
      throw e;
    }
  }

  async function serveTrigger(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const [pathPart, query = ''] = (req.url ?? '/').split(/\?(.*)/s, 2) as [string, string?];
    const m = /^\/([^/]+)(\/.*)?$/.exec(pathPart);
    let name: string | undefined;
    try {
      name = m ? decodeURIComponent(m[1]!) : undefined;
    } catch {
      throw fcErrors.invalidArgument('the request path is not valid percent-encoding');
    }
    const spec = name !== undefined ? host.spec(name) : undefined;
    const trigger = spec?.triggers.find((t) => t.triggerType === 'http');
    if (!spec || !trigger) {
      return sendJson(res, 404, { message: 'no HTTP trigger here', triggers: functions.filter((f) => f.triggers.some((t) => t.triggerType === 'http')).map((f) => `/${f.functionName}`) });
    }
    const methods = (trigger.triggerConfig.methods as string[] | undefined)?.map((x) => x.toUpperCase());
    if (methods && !methods.includes(req.method ?? 'GET')) return sendJson(res, 405, { message: `method ${req.method} not allowed` });
    const isAsync = String(req.headers['x-fc-invocation-type'] ?? '').toLowerCase() === 'async';
    // FC's limits (sync 32 MB, async 128 KB) hold while the body streams in: nothing past them is buffered.
    const body = await readBodyLimited(req, isAsync ? ASYNC_MAX_BYTES : (opts.maxBodyBytes ?? SYNC_MAX_BYTES));
    const event = JSON.stringify(toFcHttpEvent(req, { rawPath: m![2] ?? '/', rawQuery: query, body, requestId, accountId, now: new Date() }));
    if (isAsync) {
      // Same queue, bounds and 429 as the API's async invocations (a full queue is refused, not grown).
      fc.enqueue(spec.functionName, event, { source: 'http' });
      res.writeHead(202, { 'x-fc-request-id': requestId, 'content-length': '0' });
      return void res.end();
    }
    try {
      writeFcHttpResponse(res, await host.invoke(spec.functionName, Buffer.from(event, 'utf8'), { requestId }), requestId);
    } catch (e) {
      // A thrown handler error: FC answers with an error type header; the exact status is unconfirmed (ADR 0002).
      const err = e instanceof Error ? e : new Error(String(e));
      sendJson(res, 502, { errorMessage: err.message, errorType: err.name }, { 'x-fc-request-id': requestId, 'x-fc-error-type': 'UnhandledInvocationError' });
    }
  }

  const server = await listen(handle, opts.port ?? 9000);
  triggerBase = server.url;
  const fire = (t: ScheduledTimer, ev: string): void => {
    try {
      fc.enqueue(t.functionName, ev, { source: 'timer' });
    } catch (e) {
      // A full queue refuses the event (429); the timer fires again on its schedule.
      process.stderr.write(`timer ${t.triggerName} of ${t.functionName} not queued: ${(e as Error).message}\n`);
    }
  };
  const stopTimers = opts.timers ? startTimers(timers, fire) : () => undefined;
  return {
    url: server.url,
    fcUrl: fc.url,
    fc,
    functions,
    timers,
    env,
    credentials,
    close: async () => {
      stopTimers();
      await Promise.all([server.close(), fc.close()]);
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}
