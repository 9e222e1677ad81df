import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FunctionHost } from './function-host';
import type { FunctionSpec } from './s-yaml';

const echoDir = fileURLToPath(new URL('../../test/integration/fc/fixtures/functions/echo', import.meta.url));
const spec = (over: Partial<FunctionSpec>): FunctionSpec => ({
  resource: 'r', functionName: 'echo', region: 'ap-northeast-2', handler: 'index.handler', timeout: 3, memorySize: 512, environmentVariables: {}, triggers: [], ...over,
});
const creds = { accessKeyId: 'STS.k', accessKeySecret: 's', securityToken: 't' };
const http = (rawPath: string) => Buffer.from(JSON.stringify({ rawPath, headers: {}, requestContext: {} }));

describe('FunctionHost', () => {
  it('fails an invocation that outlives the function timeout', async () => {
    const host = new FunctionHost({ functions: [spec({ timeout: 0.05 })], functionDirs: { echo: echoDir }, credentials: creds, accountId: '1' });
    await expect(host.invoke('echo', http('/slow'), { requestId: 'r1' })).rejects.toMatchObject({ name: 'FunctionTimeout' });
  });

  it('passes retryCount and the role credentials on the context', async () => {
    const host = new FunctionHost({ functions: [spec({})], functionDirs: { echo: echoDir }, credentials: creds, accountId: '77' });
    const out = (await host.invoke('echo', http('/'), { requestId: 'r2', retryCount: 2 })) as { body: string };
    expect(JSON.parse(out.body).context).toMatchObject({ requestId: 'r2', retryCount: 2, accountId: '77', credentials: creds });
  });

  it('names the missing handler file and a missing export', async () => {
    const host = new FunctionHost({ functions: [spec({ functionName: 'ghost' }), spec({ handler: 'index.nothere' })], functionDirs: { ghost: '/nonexistent', echo: echoDir }, credentials: creds, accountId: '1' });
    await expect(host.invoke('ghost', http('/'), { requestId: 'r' })).rejects.toThrow(/nonexistent\/handler\.ts does not exist/);
    await expect(host.invoke('echo', http('/'), { requestId: 'r' })).rejects.toThrow(/does not export "nothere"/);
    await expect(host.invoke('nope', http('/'), { requestId: 'r' })).rejects.toThrow(/not defined in s\.yaml/);
  });
});
