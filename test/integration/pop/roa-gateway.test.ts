import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csProduct, hmacSha1, roaStringToSign, startPopEmulator, type PopEmulator } from '#local/pop/index';

const AK = { accessKeyId: 'LTAI5tRawRoa0001', accessKeySecret: 'raw-roa-secret' };
let emu: PopEmulator;

beforeAll(async () => {
  emu = await startPopEmulator({ credentials: [AK], products: [csProduct({ kubeconfig: () => 'kubeconfig' })] });
});
afterAll(() => emu.close());

/** A ROA request signed by hand exactly like pop-core's roa.js. */
function signed(nonce: string, date: Date, query: Record<string, string> = { TemporaryDurationMinutes: '15' }) {
  const path = '/k8s/c-1/user_config';
  const headers: Record<string, string> = {
    accept: 'application/json',
    date: date.toUTCString(),
    'content-md5': createHash('md5').update('').digest('base64'),
    'x-acs-signature-nonce': nonce,
    'x-acs-signature-method': 'HMAC-SHA1',
    'x-acs-signature-version': '1.0',
    'x-acs-version': '2015-12-15',
  };
  headers.authorization = `acs ${AK.accessKeyId}:${hmacSha1(AK.accessKeySecret, roaStringToSign('GET', path, headers, query))}`;
  return fetch(`${emu.url}${path}?${new URLSearchParams(query).toString()}`, { headers });
}

describe('ROA gateway checks (raw requests)', () => {
  it('accepts a correctly signed request once; the replayed nonce is refused', async () => {
    const ok = await signed('roa-nonce-1', new Date());
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ config: 'kubeconfig' });
    const again = await signed('roa-nonce-1', new Date());
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ Code: 'SignatureNonceUsed' });
  });

  it('refuses a Date more than 15 minutes old', async () => {
    const r = await signed('roa-nonce-2', new Date(Date.now() - 16 * 60_000));
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ Code: 'InvalidTimeStamp.Expired', Message: 'Specified time stamp or date value is expired.' });
  });

  it('answers unknown paths with InvalidApi.NotFound (404) in the POP error shape', async () => {
    const r = await fetch(`${emu.url}/clusters/nope`);
    expect(r.status).toBe(404);
    expect(Object.keys((await r.json()) as object).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  });
});
