import { Readable } from 'node:stream';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';

/**
 * Shared bits of the contract suite: the official Alibaba Cloud SDKs (Darabonba / openapi-core, ACS3-HMAC-SHA256 by
 * default) pointed at a sandbox emulator. Everything else is the SDK's default config: no signature version, no
 * algorithm, no retry options; only the endpoint (host:port of the emulator) and `protocol: 'http'` differ.
 */

export const AK = { accessKeyId: 'LTAI5tContractKey01', accessKeySecret: 'contract-secret-01' };
export const STS = { accessKeyId: 'STS.ContractKey02', accessKeySecret: 'contract-sts-secret', securityToken: 'CAIS-contract-token' };

/** The SDK config for an emulator URL (`http://127.0.0.1:PORT` → endpoint `127.0.0.1:PORT`, protocol http). */
export function sdkConfig(url: string, creds: { accessKeyId: string; accessKeySecret: string; securityToken?: string }): $OpenApiUtil.Config {
  return new $OpenApiUtil.Config({ ...creds, endpoint: new URL(url).host, protocol: 'http', regionId: 'ap-northeast-2' });
}

/** Runtime options that pin one header (the nonce, say) to show what a replay does; defaults otherwise. */
export function withHeaders(headers: Record<string, string>): $dara.RuntimeOptions {
  return new $dara.RuntimeOptions({ extendsParameters: new $dara.ExtendsParameters({ headers }) });
}

/** What the SDK threw, as it exposes it: its error class name, `code`, `statusCode` and parsed body. */
export async function sdkError(p: Promise<unknown>): Promise<{ name: string; code: string; statusCode: number | undefined; data: Record<string, unknown> }> {
  const e = (await p.then(
    () => {
      throw new Error('expected the SDK call to fail');
    },
    (x: unknown) => x,
  )) as { name: string; code: string; statusCode?: number; data?: Record<string, unknown> };
  return { name: e.name, code: e.code, statusCode: e.statusCode, data: e.data ?? {} };
}

/** Read a Readable body (InvokeFunction's `body`) as text. */
export async function readText(body: Readable | undefined): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Poll `fn` until `done(value)`; bounded by attempts, not by time (no wall-clock bound in a test). */
export async function poll<T>(fn: () => Promise<T>, done: (v: T) => boolean, attempts = 500): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await fn();
    if (done(v) || i >= attempts) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}
