/**
 * Signed Alibaba Cloud POP emulator: one loopback URL that serves every plugged-in product.
 *
 * Plug-in API (for product authors — ECS Cloud Assistant, DirectMail, CS, ...):
 *   const emu = await startPopEmulator({
 *     credentials: [{ accessKeyId: 'LTAI…', accessKeySecret: '…' }, { accessKeyId: 'STS.…', accessKeySecret, securityToken }],
 *     products: [{ name: 'ecs', version: '2014-05-26', actions: { RunCommand: (params, ctx) => ({ CommandId, InvokeId }) } }],
 *   });
 *   new RPCClient({ endpoint: emu.url, apiVersion: '2014-05-26', ... })   // pop-core works unchanged
 * - RPC (signature v1, GET query or POST form body) is routed by `Version` + `Action`; the action gets the flat
 *   params minus the common ones and returns the body (RequestId added). Throw `new PopError(status, Code, Message)`
 *   for an API error: the caller sees the real `{RequestId, HostId, Code, Message, Recommend}` JSON.
 * - ROA (`Authorization: acs AK:sig`, x-acs-* headers, as pop-core roa.js) is routed by method + `roaRoutes[].path`
 *   (`/k8s/:ClusterId/user_config`); the handler returns the JSON body.
 * - Signature V3 (`Authorization: ACS3-HMAC-SHA256 …`, the official SDKs' default) is accepted for both: RPC comes to
 *   `/` with `x-acs-action`/`x-acs-version` headers and its params in the query or a form body (verify-pop-acs3.ts).
 * - `pages` are unsigned helper pages (DirectMail's `/outbox`), not part of the real API.
 * - Gateway checks before any product code runs: unknown AK → InvalidAccessKeyId.NotFound (404), bad secret →
 *   SignatureDoesNotMatch (400), Timestamp/Date off by >15 min → InvalidTimeStamp.Expired, reused nonce →
 *   SignatureNonceUsed, STS AK without/with a wrong token → MissingSecurityToken / InvalidSecurityToken.MismatchWithAccessKey.
 * - `faults` rules match on method and the RPC `Action` (or the ROA path); a rule whose `body` has a `Code` is
 *   answered as a POP error. `throttle()` is the shortcut for `Throttling.User`. `calls` records verified calls.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Faults, type FaultRule } from '#local/sandbox/faults';
import { answerFault } from './answer-fault';
import { findRoute } from './find-route';
import { listen, readBody, sendJson } from '#local/sandbox/http-util';
import { gatewayErrors as E, newRequestId, PopError, popErrorBody } from './pop-error';
import type { PopCallContext, PopCallRecord, PopCredential, PopProduct } from './types';
import { NonceWindow } from './nonce-window';
import { isAcs3, verifyPopAcs3 } from './verify-pop-acs3';
import { verifyRoa } from './verify-roa';
import { verifyRpc, type VerifyState } from './verify-rpc';

export interface PopEmulatorOptions {
  port?: number;
  credentials: PopCredential[];
  products: PopProduct[];
  /** Server clock (tests shift it to make a real client's Timestamp stale). */
  now?: () => Date;
}

export interface PopEmulator {
  url: string;
  close(): Promise<void>;
  faults: Faults;
  /** Nonces seen within the 15-min replay window. */
  nonces: NonceWindow;
  calls: PopCallRecord[];
  /** Answer the next `times` calls (of `action`, or all) with `Throttling.User`; returns a remover. */
  throttle(opts?: { action?: string; times?: number; status?: 400 | 503 }): () => void;
}

// Common RPC params the gateway consumes; products never see them.
const COMMON = new Set(['Action', 'Version', 'Format', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'SignatureType', 'Timestamp', 'SecurityToken']);

/** Start the emulator on 127.0.0.1 (port 0 = random). */
export async function startPopEmulator(opts: PopEmulatorOptions): Promise<PopEmulator> {
  const faults = new Faults();
  const nonces = new NonceWindow();
  const calls: PopCallRecord[] = [];
  const credentials = new Map(opts.credentials.map((c) => [c.accessKeyId, c]));
  const now = opts.now ?? (() => new Date());
  const host = (p?: PopProduct): string => p?.hostId ?? `${p?.name ?? 'pop'}.aliyuncs.com`;

  const fail = (res: ServerResponse, e: unknown, product?: PopProduct, rec?: Omit<PopCallRecord, 'status'>): void => {
    const pe = e instanceof PopError ? e : new PopError(500, 'InternalError', 'The request processing has failed due to some unknown error, exception or failure.');
    const requestId = newRequestId();
    if (rec) calls.push({ ...rec, status: pe.httpStatus, code: pe.code });
    sendJson(res, pe.httpStatus, popErrorBody(pe, requestId, host(product)), { 'x-acs-request-id': requestId });
  };

  const applyFault = (req: IncomingMessage, res: ServerResponse, key: string, product: PopProduct): Promise<boolean> =>
    answerFault(faults, req, res, key, host(product));

  /** `verify(now)` checks the signature (v1 params or ACS3 headers) and returns the caller's key, or throws. */
  type Verify = (st: VerifyState) => PopCredential;
  const handleRpc = async (req: IncomingMessage, res: ServerResponse, action: string | undefined, version: string | undefined, params: Record<string, string>, verify: Verify): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    if (!action) return fail(res, E.missingParameter('Action'));
    if (!version) return fail(res, E.missingParameter('Version'));
    const byVersion = opts.products.filter((p) => p.version === version);
    if (!byVersion.length) return fail(res, E.invalidVersion());
    const product = byVersion.find((p) => p.actions?.[action]);
    if (!product) return fail(res, E.apiNotFound(), byVersion[0]);
    const at = now();
    let cred: PopCredential;
    try {
      cred = verify({ credentials, nonces, now: at });
    } catch (e) {
      return fail(res, e, product);
    }
    const own = Object.fromEntries(Object.entries(params).filter(([k]) => !COMMON.has(k)));
    const rec = { product: product.name, action, method, accessKeyId: cred.accessKeyId, params: own };
    if (await applyFault(req, res, action, product)) return void calls.push({ ...rec, status: res.headersSent ? res.statusCode : 0 });
    const ctx: PopCallContext = { requestId: newRequestId(), accessKeyId: cred.accessKeyId, product: product.name, action, method, now: at };
    try {
      const out = (await product.actions![action]!(own, ctx)) as Record<string, unknown> | undefined;
      calls.push({ ...rec, status: 200 });
      sendJson(res, 200, { RequestId: ctx.requestId, ...(out ?? {}) }, { 'x-acs-request-id': ctx.requestId });
    } catch (e) {
      fail(res, e, product, rec);
    }
  };

  const handleRoa = async (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    let found: ReturnType<typeof findRoute>;
    try {
      found = findRoute(opts.products, method, url.pathname);
    } catch {
      // A path segment that is not valid percent-encoding (decodeURIComponent throws URIError): a client error.
      return fail(res, E.invalidParameter('path'));
    }
    if (!found) return fail(res, E.apiNotFound());
    const { product, route, params } = found;
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
    const query = Object.fromEntries(url.searchParams.entries());
    const at = now();
    let cred: PopCredential;
    try {
      const st = { credentials, nonces, now: at };
      cred = isAcs3(req) ? verifyPopAcs3(req, url, body, st) : verifyRoa(method, url.pathname, headers, query, body, st);
    } catch (e) {
      return fail(res, e, product);
    }
    const rec = { product: product.name, action: route.path, method, accessKeyId: cred.accessKeyId, params: { ...params, ...query } };
    if (await applyFault(req, res, url.pathname, product)) return void calls.push({ ...rec, status: res.headersSent ? res.statusCode : 0 });
    const ctx: PopCallContext = { requestId: newRequestId(), accessKeyId: cred.accessKeyId, product: product.name, action: route.path, method, now: at };
    try {
      const out = await route.handler({ params, query, headers, body: body.toString('utf8') }, ctx);
      calls.push({ ...rec, status: 200 });
      sendJson(res, 200, out ?? {}, { 'x-acs-request-id': ctx.requestId });
    } catch (e) {
      fail(res, e, product, rec);
    }
  };

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://pop.local');
    const page = opts.products.flatMap((p) => p.pages ?? []).find((p) => p.path === url.pathname);
    if (page && req.method === 'GET') return page.handler(req, res);
    const body = await readBody(req);
    if (url.pathname === '/') {
      // RPC: GET carries everything in the query; POST adds a form body (pop-core rpc.js, and the V3 SDKs' formData).
      const params = Object.fromEntries(url.searchParams.entries());
      if (req.method === 'POST') Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8')).entries()));
      if (isAcs3(req)) {
        const h = (n: string): string | undefined => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : undefined);
        return handleRpc(req, res, h('x-acs-action'), h('x-acs-version'), params, (st) => verifyPopAcs3(req, url, body, st));
      }
      return handleRpc(req, res, params.Action, params.Version, params, (st) => verifyRpc((req.method ?? 'GET').toUpperCase(), params, st));
    }
    return handleRoa(req, res, url, body);
  }, opts.port ?? 0);

  return {
    url: server.url,
    close: () => server.close(),
    faults,
    nonces,
    calls,
    throttle: ({ action, times, status = 400 } = {}) => {
      const rule: FaultRule = { status, body: { Code: 'Throttling.User', Message: E.throttled().message } };
      if (action) rule.path = `^${action}$`;
      if (times !== undefined) rule.times = times;
      return faults.add(rule);
    },
  };
}
