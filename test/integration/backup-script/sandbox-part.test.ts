import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRpcClient } from '#shared/cloud/pop/index';
import { isAppError } from '#shared/errors/index';
import { DEFAULT_BACKUP_SCRIPT_CONFIG, parseBackupResult, renderBackupScript } from '#shared/backup/script/index';
import { createEcsSandboxPart } from '#local/ecs/sandbox-part';
import { nameDaysAgo, type InvocationResultRow } from './harness';

const stateDir = mkdtempSync(join(tmpdir(), 'ecs-part-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
const sts = { accessKeyId: 'STS.sandboxEcsPart', accessKeySecret: 'part-secret', securityToken: 'CAIS-part-token' };

describe('ECS sandbox part', () => {
  it('serves the sandbox STS keys, exports its env, and backs up into <stateDir>/oss/<bucket>', async () => {
    const h = await createEcsSandboxPart().start({ credentials: sts, accountId: '1234567890123456', region: 'ap-northeast-2', stateDir });
    try {
      expect(h.env).toMatchObject({ ECS_REGION: 'ap-northeast-2', BACKUP_INSTANCE_ID: 'i-sandboxgitlab01' });
      const rpc = createRpcClient({ endpoint: h.env!.ECS_ENDPOINT!, apiVersion: '2014-05-26', credentials: () => sts, retry: false });
      const script = renderBackupScript({ ...DEFAULT_BACKUP_SCRIPT_CONFIG, runName: nameDaysAgo(0) });
      const params = { RegionId: 'ap-northeast-2', Type: 'RunShellScript', CommandContent: Buffer.from(script).toString('base64'), ContentEncoding: 'Base64', InstanceId: ['i-sandboxgitlab01'], Timeout: 120 };
      const { InvokeId } = await rpc.request<{ InvokeId: string }>('RunCommand', params, { method: 'POST' });
      let row: InvocationResultRow;
      do {
        await new Promise((r) => setTimeout(r, 50));
        const b = await rpc.request<{ Invocation: { InvocationResults: { InvocationResult: InvocationResultRow[] } } }>('DescribeInvocationResults', { RegionId: 'ap-northeast-2', InvokeId, ContentEncoding: 'PlainText' });
        row = b.Invocation.InvocationResults.InvocationResult[0]!;
      } while (['Pending', 'Running'].includes(row.InvocationStatus));
      const result = parseBackupResult(row.Output);
      expect(result, row.Output).toMatchObject({ status: 'ok' });
      expect(existsSync(join(stateDir, 'oss', 'gitlab-backups', result!.archive))).toBe(true);
      // The gateway checks the STS token like the real one.
      const bad = createRpcClient({ endpoint: h.env!.ECS_ENDPOINT!, apiVersion: '2014-05-26', credentials: () => ({ ...sts, securityToken: 'CAIS-other' }), retry: false });
      const e = await bad.request('DescribeInvocationResults', { RegionId: 'ap-northeast-2' }).catch((x: unknown) => x);
      expect(isAppError(e) && e.details).toMatchObject({ popCode: 'InvalidSecurityToken.MismatchWithAccessKey' });
    } finally {
      await h.close();
    }
  });
});
