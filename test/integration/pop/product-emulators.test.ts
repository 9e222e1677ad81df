import { describe, expect, it } from 'vitest';
import { createRoaClient, createRpcClient, describeClusterUserKubeconfig } from '#shared/cloud/pop/index';
import { startCsEmulator, startDirectMailEmulator } from '#local/pop/index';

const AK = { accessKeyId: 'LTAI5tStandalone01', accessKeySecret: 'standalone-secret' };

describe('standalone product emulators', () => {
  it('startDirectMailEmulator exposes its outbox', async () => {
    const dm = await startDirectMailEmulator({ credentials: [AK], senders: ['ops@mail.example.com'] });
    try {
      const rpc = createRpcClient({ endpoint: dm.url, apiVersion: '2015-11-23', credentials: () => AK });
      await rpc.request('SingleSendMail', { AccountName: 'ops@mail.example.com', AddressType: 1, ReplyToAddress: 'false', ToAddress: 'a@example.com', Subject: 's', TextBody: 't' }, { method: 'POST' });
      expect(dm.outbox).toHaveLength(1);
    } finally {
      await dm.close();
    }
  });

  it('startCsEmulator serves the kubeconfig', async () => {
    const cs = await startCsEmulator({ credentials: [AK], kubeconfig: () => 'apiVersion: v1' });
    try {
      const roa = createRoaClient({ endpoint: cs.url, apiVersion: '2015-12-15', credentials: () => AK });
      await expect(describeClusterUserKubeconfig(roa, 'c-1', 15)).resolves.toMatchObject({ config: 'apiVersion: v1' });
    } finally {
      await cs.close();
    }
  });
});
