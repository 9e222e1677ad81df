import { gzipSync } from 'node:zlib';
import type { V1Secret } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decodeHelmReleaseData, readHelmRelease } from './helm-release';

/** Encode a release as Helm stores it (base64(gzip(json))) and as the Secret API returns it (base64 again). */
const encode = (release: unknown, gzip = true): string => {
  const json = Buffer.from(JSON.stringify(release));
  const helm = (gzip ? gzipSync(json) : json).toString('base64');
  return Buffer.from(helm).toString('base64');
};

const secret = (rev: number, status: string, gzip = true): V1Secret => ({
  type: 'helm.sh/release.v1',
  metadata: { name: `sh.helm.release.v1.runner.v${rev}`, namespace: 'ci', labels: { owner: 'helm', name: 'runner', status, version: String(rev) } },
  data: {
    release: encode(
      { name: 'runner', namespace: 'ci', version: rev, info: { status }, chart: { metadata: { name: 'gitlab-runner', version: `0.${rev}.0`, appVersion: '17.0.0' } }, config: { concurrent: rev }, manifest: '---\n' },
      gzip,
    ),
  },
});

describe('readHelmRelease', () => {
  it('decodes gzip and legacy uncompressed payloads', () => {
    expect(decodeHelmReleaseData(encode({ a: 1 }))).toEqual({ a: 1 });
    expect(decodeHelmReleaseData(encode({ a: 2 }, false))).toEqual({ a: 2 });
  });

  it('takes the highest revision (numerically) in one list call, or the highest deployed one', async () => {
    const secrets = [secret(9, 'superseded'), secret(10, 'failed', false), secret(2, 'superseded')];
    const selectors: string[] = [];
    const kube = {
      listSecrets: async (_ns: string, sel?: string) => {
        selectors.push(sel ?? '');
        return sel?.includes('status=deployed') ? [secret(9, 'deployed')] : secrets;
      },
    };
    expect(await readHelmRelease(kube, 'ci', 'runner')).toEqual({
      name: 'runner',
      namespace: 'ci',
      revision: 10,
      status: 'failed',
      chart: { name: 'gitlab-runner', version: '0.10.0', appVersion: '17.0.0' },
      config: { concurrent: 10 },
      manifest: '---\n',
    });
    expect((await readHelmRelease(kube, 'ci', 'runner', { deployedOnly: true }))?.revision).toBe(9);
    expect(selectors).toEqual(['owner=helm,name=runner', 'owner=helm,name=runner,status=deployed']);
  });

  it('is undefined without release secrets and names an undecodable secret', async () => {
    expect(await readHelmRelease({ listSecrets: async () => [] }, 'ci', 'runner')).toBeUndefined();
    const broken = { ...secret(1, 'deployed'), data: { release: Buffer.from('not base64 json').toString('base64') } };
    await expect(readHelmRelease({ listSecrets: async () => [broken] }, 'ci', 'runner')).rejects.toMatchObject({ code: 'KUBE_API', message: expect.stringContaining('sh.helm.release.v1.runner.v1') });
  });
});
