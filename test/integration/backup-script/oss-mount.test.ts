import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOssPort } from '#shared/cloud/oss/index';
import { createRpcClient } from '#shared/cloud/pop/index';
import { DEFAULT_BACKUP_SCRIPT_CONFIG, parseBackupResult, renderBackupScript, type BackupManifest } from '#shared/backup/script/index';
import { startEcsEmulator, type EcsEmulator } from '#local/ecs/index';
import { startOssEmulator, type OssEmulator } from '#local/oss/index';
import { nameDaysAgo, type InvocationResultRow } from './harness';

// The agreement between the two emulators: the host's ossfs mount is the OSS emulator's bucket directory, so what
// the script writes through the mount is what OSS serves (and what the backup action verifies).
const creds = { accessKeyId: 'LTAImountTest', accessKeySecret: 'mount-secret' };
let oss: OssEmulator;
let ecs: EcsEmulator;
beforeAll(async () => {
  oss = await startOssEmulator({ credentials: [creds], buckets: ['gitlab-backups'] });
  ecs = await startEcsEmulator({ credentials: [creds], hosts: [{ instanceId: 'i-mount', mountBackingDir: oss.bucketDir('gitlab-backups') }] });
});
afterAll(async () => {
  await ecs.close();
  await oss.close();
});

describe('backup through the ossfs stand-in onto the OSS emulator', () => {
  it('OSS lists and serves the archive, manifest and config the script wrote; sizes and sha256 match the manifest', async () => {
    const rpc = createRpcClient({ endpoint: ecs.url, apiVersion: '2014-05-26', credentials: () => creds, retry: false });
    const script = renderBackupScript({ ...DEFAULT_BACKUP_SCRIPT_CONFIG, runName: nameDaysAgo(0) });
    const { InvokeId } = await rpc.request<{ InvokeId: string }>('RunCommand', { RegionId: 'ap-northeast-2', Type: 'RunShellScript', CommandContent: Buffer.from(script).toString('base64'), ContentEncoding: 'Base64', InstanceId: ['i-mount'], Timeout: 120 }, { method: 'POST' });
    let row: InvocationResultRow;
    do {
      await new Promise((r) => setTimeout(r, 50));
      row = (await rpc.request<{ Invocation: { InvocationResults: { InvocationResult: InvocationResultRow[] } } }>('DescribeInvocationResults', { RegionId: 'ap-northeast-2', InvokeId, ContentEncoding: 'PlainText' })).Invocation.InvocationResults.InvocationResult[0]!;
    } while (['Pending', 'Running'].includes(row.InvocationStatus));
    const result = parseBackupResult(row.Output);
    expect(result, row.Output).toMatchObject({ status: 'ok' });

    const port = createOssPort({ bucket: 'gitlab-backups', region: 'ap-northeast-2', endpoint: oss.url, credentials: () => creds });
    const keys = (await port.list('gitlab-backups/')).map((o) => o.key);
    expect(keys).toEqual(expect.arrayContaining([result!.archive, result!.manifest]));
    // The /etc/gitlab archive is stored apart from the data (BACKUP_CONFIG_PREFIX).
    expect((await port.list('gitlab-config-backups/')).map((o) => o.key)).toEqual([result!.config]);
    const manifest = JSON.parse((await port.getText(result!.manifest))!) as BackupManifest;
    const archive = manifest.files.find((f) => f.kind === 'archive')!;
    const head = await port.head(result!.archive);
    expect(head?.size).toBe(archive.size);
    expect(await port.sha256(result!.archive)).toBe(archive.sha256);
    expect(await port.sha256(result!.config)).toBe(manifest.files.find((f) => f.kind === 'config')!.sha256);
  });
});
