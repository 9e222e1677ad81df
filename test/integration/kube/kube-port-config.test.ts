import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { loadConfig } from '#shared/config/index';
import { createKubePortFromConfig } from '#shared/kube/kube-port-from-config';

describe('createKubePortFromConfig', () => {
  let emu: KubeEmulator;
  beforeAll(async () => {
    emu = await startKubeEmulator();
  });
  afterAll(async () => emu.close());

  it('uses KUBE_CONFIG (base64) when no cluster id is set', async () => {
    const config = loadConfig({ KUBE_CONFIG: Buffer.from(emu.kubeconfig).toString('base64') });
    const kube = createKubePortFromConfig({ config, credentials: () => undefined });
    expect((await kube.listPersistentVolumes()).length).toBeGreaterThanOrEqual(0);
    expect(kube.calls['list persistentvolumes']).toBe(1);
  });

  it('fetches a temporary kubeconfig from CS for ASK_CLUSTER_ID, and refetches after a 401', async () => {
    const asked: Array<[string, number]> = [];
    let token = 'expired-token';
    const config = loadConfig({ ASK_CLUSTER_ID: 'c0ffee', KUBE_TEMP_MINUTES: '30' });
    const kube = createKubePortFromConfig({
      config,
      credentials: () => undefined,
      fetchUserConfig: async (id, minutes) => {
        asked.push([id, minutes]);
        const config = emu.kubeconfig.replace(emu.token, token);
        token = emu.token; // the next fetch gets a valid one
        return { config, expiration: '2999-01-01T00:00:00Z' };
      },
    });
    await expect(kube.listSecrets('default')).rejects.toMatchObject({ code: 'KUBE_API', details: { status: 401 } });
    expect(await kube.listSecrets('default')).toEqual([]);
    await kube.listSecrets('default');
    expect(asked).toEqual([
      ['c0ffee', 30],
      ['c0ffee', 30],
    ]);
  });

  it('talks to a TLS emulator (self-signed, insecure-skip-tls-verify) as the sandbox runs it', async () => {
    const tls = await startKubeEmulator({ tls: true });
    try {
      const kube = createKubePortFromConfig({ config: loadConfig({ KUBE_CONFIG: Buffer.from(tls.kubeconfig).toString('base64') }), credentials: () => undefined });
      expect((await kube.createImageCache({ apiVersion: 'eci.alibabacloud.com/v1', kind: 'ImageCache', metadata: { name: 'tls-ic' }, spec: { images: ['a:1'] } })).metadata.name).toBe('tls-ic');
      expect(tls.calls['POST /apis/eci.alibabacloud.com/v1/imagecaches']).toBe(1);
    } finally {
      await tls.close();
    }
  });

  it('names every kubeconfig key when none is configured', () => {
    expect(() => createKubePortFromConfig({ config: loadConfig({}), credentials: () => undefined })).toThrow(/ASK_CLUSTER_ID.*KUBE_CONFIG.*KUBECONFIG_PATH/);
  });
});
