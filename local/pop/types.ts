import type { IncomingMessage, ServerResponse } from 'node:http';

/** A key pair the emulator accepts. AKs starting `STS.` are temporary and need their `securityToken` on every call. */
export interface PopCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** STS expiry: calls after it get `InvalidSecurityToken.Expired`. */
  expiresAt?: Date;
}

/** What a product handler learns about the (already verified) call. */
export interface PopCallContext {
  requestId: string;
  accessKeyId: string;
  product: string;
  /** RPC Action, or the ROA route's path pattern. */
  action: string;
  method: string;
  now: Date;
}

/**
 * An RPC action: gets the flat request params (common params removed: no Signature*, AccessKeyId, Timestamp...) and
 * returns the response body (the emulator adds `RequestId` when absent). Throw `PopError` for an API error.
 */
export type PopAction = (params: Record<string, string>, ctx: PopCallContext) => unknown;

/** A parsed ROA request handed to a route. `params` are the `:Name` path segments, decoded. */
export interface RoaRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/** A ROA route, e.g. `{ method: 'GET', path: '/k8s/:ClusterId/user_config', handler }`. Returns the JSON body. */
export interface RoaRoute {
  method: string;
  path: string;
  handler: (req: RoaRequest, ctx: PopCallContext) => unknown;
}

/** An unsigned helper page (e.g. DirectMail's `/outbox`), served as is: not part of the real API. */
export interface PopPage {
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/**
 * A product plugged into the emulator. RPC calls are routed by `Version` + `Action` (one URL serves every product,
 * as real endpoints differ only by host), ROA calls by method + path.
 */
export interface PopProduct {
  /** Short product code: 'ecs' | 'dm' | 'cs' | ... — also used for `HostId` (`<name>.aliyuncs.com`). */
  name: string;
  /** API version, e.g. '2014-05-26' (ECS), '2015-11-23' (DirectMail), '2015-12-15' (CS). */
  version: string;
  actions?: Record<string, PopAction>;
  roaRoutes?: RoaRoute[];
  pages?: PopPage[];
  /** HostId in responses; default `<name>.aliyuncs.com`. */
  hostId?: string;
}

/** One verified call, recorded for tests (Signature and SecurityToken are never recorded). */
export interface PopCallRecord {
  product: string;
  action: string;
  method: string;
  accessKeyId: string;
  params: Record<string, string>;
  /** HTTP status answered; 0 when a fault reset the connection. */
  status: number;
  code?: string;
}
