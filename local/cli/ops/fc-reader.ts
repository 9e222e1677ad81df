import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { FC3_API_VERSION } from '#shared/cloud/fc/index';
import { readFcError } from '#shared/cloud/fc/read-fc-error';
import type { CloudCredentials } from '#shared/runtime/credentials';

/** An FC 3.0 `AsyncTask` as ListAsyncTasks returns it (fc-20230330 `AsyncTask.ts`); times in ms. */
export interface FcAsyncTask {
  taskId: string;
  status: string;
  startedTime?: number;
  endTime?: number;
  durationMs?: number;
  alreadyRetriedTimes?: number;
  returnPayload?: string;
  /** The docs call it `invocationPayload`, the model `taskPayload`: both are read. */
  taskPayload?: string;
  invocationPayload?: string;
  taskErrorMessage?: string;
}

export interface FcTrigger {
  triggerName: string;
  triggerType: string;
  /** FC answers a JSON string; parsed here (undefined when it is not JSON). */
  config?: Record<string, unknown>;
  urlInternet?: string;
  urlIntranet?: string;
}

/** FC answered with an error (or not at all: `status` 0, `code` "network"). */
export class FcReadError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'FcReadError';
  }
}

/** The read-only FC 3.0 calls `ops doctor` and `ops status` make. */
export interface FcReader {
  readonly endpoint: string;
  getFunction(fn: string): Promise<Record<string, unknown>>;
  /** undefined when the function has no async invoke config (404). */
  getAsyncInvokeConfig(fn: string): Promise<Record<string, unknown> | undefined>;
  listTriggers(fn: string): Promise<FcTrigger[]>;
  listAsyncTasks(fn: string, query: Record<string, string>): Promise<{ tasks: FcAsyncTask[]; nextToken?: string }>;
}

type Fc2 = typeof import('@alicloud/fc2')['default'];

/**
 * FC 3.0 reads signed as the product signs its calls: @alicloud/fc2's headers and `FC ak:sig` signer with the API
 * version set to 2023-03-30 (docs/adr/0002; the signer covers the path, not the query). Endpoint: FC_ENDPOINT, else the
 * public `https://<account>.<region>.fc.aliyuncs.com` (a workstation is outside the VPC).
 */
export function createFcReader(o: { accountId: string; region: string; endpoint?: string; credentials: () => CloudCredentials | undefined; timeoutMs?: number }): FcReader {
  const endpoint = (o.endpoint ?? `https://${o.accountId}.${o.region}.fc.aliyuncs.com`).replace(/\/+$/, '');
  let fc2: Promise<Fc2> | undefined;
  const get = async (path: string, query: Record<string, string> = {}): Promise<unknown> => {
    const creds = o.credentials();
    if (!creds) throw new FcReadError(0, 'NoCredentials', 'no Alibaba Cloud keys (ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET) for the FC API');
    const FCClient = await (fc2 ??= import('@alicloud/fc2').then((m) => ((m as { default?: Fc2 }).default ?? (m as unknown as Fc2))));
    const client = new FCClient(o.accountId, { accessKeyID: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, ...(creds.securityToken ? { securityToken: creds.securityToken } : {}), region: o.region, endpoint });
    client.version = FC3_API_VERSION;
    const headers: Record<string, string> = client.buildHeaders();
    headers.authorization = FCClient.getSignature(creds.accessKeyId, creds.accessKeySecret, 'GET', `/${FC3_API_VERSION}${path}`, headers, null);
    const qs = new URLSearchParams(query).toString();
    const res = await getRaw(`${endpoint}/${FC3_API_VERSION}${path}${qs ? `?${qs}` : ''}`, headers, o.timeoutMs ?? 10_000).catch((e: unknown) => {
      throw new FcReadError(0, 'network', `FC API at ${endpoint} did not answer: ${(e as Error).message}`);
    });
    if (res.status >= 200 && res.status < 300) return JSON.parse(res.text) as unknown;
    const info = readFcError(res.text);
    throw new FcReadError(res.status, info.code ?? `HTTP ${res.status}`, `FC answered ${res.status} ${info.code ?? ''}${info.message ? `: ${info.message}` : ''}`.trim());
  };
  const fnPath = (fn: string): string => `/functions/${encodeURIComponent(fn)}`;
  return {
    endpoint,
    getFunction: async (fn) => (await get(fnPath(fn))) as Record<string, unknown>,
    async getAsyncInvokeConfig(fn) {
      try {
        return (await get(`${fnPath(fn)}/async-invoke-config`)) as Record<string, unknown>;
      } catch (e) {
        if (e instanceof FcReadError && e.status === 404 && e.code !== 'FunctionNotFound') return undefined;
        throw e;
      }
    },
    async listTriggers(fn) {
      const out: FcTrigger[] = [];
      let nextToken: string | undefined;
      do {
        const page = (await get(`${fnPath(fn)}/triggers`, { limit: '100', ...(nextToken ? { nextToken } : {}) })) as { triggers?: Array<Record<string, unknown>>; nextToken?: string };
        for (const t of page.triggers ?? []) out.push(toTrigger(t));
        nextToken = page.nextToken || undefined;
      } while (nextToken && out.length < 1000);
      return out;
    },
    listAsyncTasks: async (fn, query) => (await get(`${fnPath(fn)}/async-tasks`, query)) as { tasks: FcAsyncTask[]; nextToken?: string },
  };
}

function toTrigger(t: Record<string, unknown>): FcTrigger {
  let config: Record<string, unknown> | undefined;
  try {
    config = typeof t.triggerConfig === 'string' ? (JSON.parse(t.triggerConfig) as Record<string, unknown>) : (t.triggerConfig as Record<string, unknown> | undefined);
  } catch {
    config = undefined; // not JSON: the caller reports the trigger without its settings
  }
  const http = (t.httpTrigger ?? {}) as { urlInternet?: string; urlIntranet?: string };
  return { triggerName: String(t.triggerName ?? ''), triggerType: String(t.triggerType ?? ''), ...(config ? { config } : {}), ...(http.urlInternet ? { urlInternet: http.urlInternet } : {}), ...(http.urlIntranet ? { urlIntranet: http.urlIntranet } : {}) };
}

/** GET with exactly these (signed) headers; the body is cut at 4 MB. */
function getRaw(url: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { method: 'GET', headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 4 << 20) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
