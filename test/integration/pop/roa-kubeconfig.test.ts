import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoaClient, describeClusterUserKubeconfig, CS_API_VERSION } from '#shared/cloud/pop/index';
import { isAppError } from '#shared/errors/index';
import type { CloudCredentials } from '#shared/runtime/index';
import { csProduct, startPopEmulator, type PopEmulator } from '#local/pop/index';

const AK = { accessKeyId: 'LTAI5tRoaKey0001', accessKeySecret: 'roa-secret-0001' };
const STS = { accessKeyId: 'STS.RoaKey0002', accessKeySecret: 'roa-sts-secret', securityToken: 'CAIS-roa-token' };
const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters: []\n';
const cs = csProduct({ kubeconfig: () => KUBECONFIG, clusters: ['c-ask-1'] });
let emu: PopEmulator;

beforeAll(async () => {
  emu = await startPopEmulator({ credentials: [AK, STS], products: [cs] });
});
afterAll(() => emu.close());

const roa = (creds: () => CloudCredentials | undefined) =>
  createRoaClient({ endpoint: emu.url, apiVersion: CS_API_VERSION, credentials: creds, retry: { clock: { now: () => new Date(), sleep: async () => undefined } } });

describe('CS ROA through the signed emulator', () => {
  it('fetches a temporary kubeconfig over the private endpoint', async () => {
    const before = Date.now();
    const k = await describeClusterUserKubeconfig(roa(() => AK), 'c-ask-1', 60);
    expect(k.config).toBe(KUBECONFIG);
    expect(k.expiration).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const ttl = k.expiresAt!.getTime() - before;
    expect(ttl).toBeGreaterThan(59 * 60_000);
    expect(ttl).toBeLessThanOrEqual(61 * 60_000);
    expect(cs.requests.at(-1)).toEqual({ clusterId: 'c-ask-1', minutes: 60, privateIp: true });
  });

  it('signs with STS keys (x-acs-security-token)', async () => {
    await expect(describeClusterUserKubeconfig(roa(() => STS), 'c-ask-1', 15)).resolves.toMatchObject({ config: KUBECONFIG });
    const e = await describeClusterUserKubeconfig(roa(() => ({ ...STS, securityToken: 'CAIS-other' })), 'c-ask-1', 15).catch((x: unknown) => x);
    expect(isAppError(e) && e.details).toMatchObject({ popCode: 'InvalidSecurityToken.MismatchWithAccessKey' });
  });

  it('wrong secret → SignatureDoesNotMatch; unknown cluster → ErrorClusterNotFound (404), not retried', async () => {
    const e1 = await describeClusterUserKubeconfig(roa(() => ({ ...AK, accessKeySecret: 'nope' })), 'c-ask-1', 60).catch((x: unknown) => x);
    expect(isAppError(e1) && e1.details).toMatchObject({ popCode: 'SignatureDoesNotMatch', httpStatus: 400 });
    const before = emu.calls.length;
    const e2 = await describeClusterUserKubeconfig(roa(() => AK), 'c-missing', 60).catch((x: unknown) => x);
    expect(isAppError(e2) && e2.details).toMatchObject({ popCode: 'ErrorClusterNotFound', httpStatus: 404 });
    expect(emu.calls.length - before).toBe(1);
  });

  it('rejects out-of-range durations before calling', async () => {
    await expect(describeClusterUserKubeconfig(roa(() => AK), 'c-ask-1', 5)).rejects.toMatchObject({ code: 'POP_API' });
  });

  it('GETs are retried on throttling and 5xx', async () => {
    emu.faults.add({ path: '/user_config$', status: 503, body: { Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.' }, times: 1 });
    emu.throttle({ action: '/k8s/c-ask-1/user_config', times: 1 });
    await expect(describeClusterUserKubeconfig(roa(() => AK), 'c-ask-1', 30)).resolves.toMatchObject({ config: KUBECONFIG });
  });
});
