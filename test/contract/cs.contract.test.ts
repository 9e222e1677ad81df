import Cs, { DescribeClusterUserKubeconfigRequest } from '@alicloud/cs20151215';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCsEmulator, type PopEmulator } from '#local/pop/index';
import { AK, sdkConfig, sdkError, STS } from './harness';

/** Contract: `@alicloud/cs20151215` DescribeClusterUserKubeconfig (ACS3, ROA style: GET with path + query). */
const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters: []\n';
let cs: PopEmulator;

beforeAll(async () => {
  cs = await startCsEmulator({ credentials: [AK, STS], kubeconfig: () => KUBECONFIG, clusters: ['c-ask-contract'] });
});
afterAll(() => cs.close());

const client = (creds: typeof AK | typeof STS = AK) => new Cs(sdkConfig(cs.url, creds));
const req = new DescribeClusterUserKubeconfigRequest({ privateIpAddress: true, temporaryDurationMinutes: 60 });

describe('CS SDK (cs20151215) against the CS emulator', () => {
  it('DescribeClusterUserKubeconfig parses into the typed model, with AK and with STS keys', async () => {
    for (const creds of [AK, STS]) {
      const res = await client(creds).describeClusterUserKubeconfig('c-ask-contract', req);
      expect(res.statusCode).toBe(200);
      expect(res.body?.config).toBe(KUBECONFIG);
      expect(res.body?.expiration).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
  });

  it('an unknown cluster and a wrong secret come back as typed ClientErrors', async () => {
    expect(await sdkError(client().describeClusterUserKubeconfig('c-missing', req))).toMatchObject({ name: 'ClientError', code: 'ErrorClusterNotFound', statusCode: 404 });
    expect(await sdkError(client({ ...AK, accessKeySecret: 'nope' }).describeClusterUserKubeconfig('c-ask-contract', req))).toMatchObject({
      name: 'ClientError',
      code: 'SignatureDoesNotMatch',
      statusCode: 400,
    });
    expect(await sdkError(client({ ...STS, securityToken: 'CAIS-x' }).describeClusterUserKubeconfig('c-ask-contract', req))).toMatchObject({
      code: 'InvalidSecurityToken.MismatchWithAccessKey',
    });
  });
});
