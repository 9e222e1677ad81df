import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scrub } from '#shared/log/redact';
import type { Clock } from '#shared/runtime/clock';
import { createKubeconfigSource } from './kubeconfig-source';

function fakeClock(start: string): Clock & { advance(ms: number): void } {
  let t = Date.parse(start);
  return { now: () => new Date(t), sleep: async () => undefined, advance: (ms) => (t += ms) };
}

describe('createKubeconfigSource', () => {
  it('caches the CS kubeconfig until 5 minutes before its expiration, sharing one in-flight fetch', async () => {
    const clock = fakeClock('2026-11-27T10:00:00Z');
    const fetched: Array<[string, number]> = [];
    const src = createKubeconfigSource({
      clusterId: 'c123',
      minutes: 60,
      clock,
      fetchUserConfig: async (id, minutes) => {
        fetched.push([id, minutes]);
        return { config: `apiVersion: v1 # fetch ${fetched.length}`, expiration: '2026-11-27T11:00:00Z' };
      },
    });
    expect(src.kind).toBe('cs');
    const [a, b] = await Promise.all([src.get(), src.get()]);
    expect(a).toBe(b);
    expect(fetched).toEqual([['c123', 60]]);
    clock.advance(54 * 60_000);
    expect(await src.get()).toContain('fetch 1');
    clock.advance(60_001);
    expect(await src.get()).toContain('fetch 2');
    src.invalidate();
    expect(await src.get()).toContain('fetch 3');
  });

  it('falls back to `minutes` when CS sends no expiration, and registers the config as a secret', async () => {
    const clock = fakeClock('2026-11-27T10:00:00Z');
    let n = 0;
    const src = createKubeconfigSource({ clusterId: 'c1', minutes: 15, clock, fetchUserConfig: async () => ({ config: `secret-kubeconfig-${++n}` }) });
    await src.get();
    clock.advance(10 * 60_000 - 1);
    expect(await src.get()).toBe('secret-kubeconfig-1');
    clock.advance(1);
    expect(await src.get()).toBe('secret-kubeconfig-2');
    expect(scrub('leak: secret-kubeconfig-2')).toBe('leak: [REDACTED]');
  });

  it('decodes KUBE_CONFIG base64, reads KUBECONFIG_PATH, and names every key when nothing is set', async () => {
    const b64 = createKubeconfigSource({ kubeConfigBase64: Buffer.from('kind: Config\n').toString('base64') });
    expect([b64.kind, await b64.get()]).toEqual(['base64', 'kind: Config\n']);
    const dir = mkdtempSync(join(tmpdir(), 'kcfg-'));
    writeFileSync(join(dir, 'config'), 'kind: Config # file\n');
    const file = createKubeconfigSource({ kubeconfigPath: join(dir, 'config') });
    expect([file.kind, await file.get()]).toEqual(['file', 'kind: Config # file\n']);
    expect(() => createKubeconfigSource({ clusterId: 'c1' })).toThrow(/ASK_CLUSTER_ID.*KUBE_CONFIG.*KUBECONFIG_PATH/);
  });
});
