import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRemoteHost, type RemoteHost } from '#local/gitlab/remote-host';
import { createRemoteReader } from '#shared/ci/remote-reader';
import { loadConfig } from '#shared/config/index';
import type { PrewarmReport } from '#shared/imagecache/run-prewarm';
import { memoryLogger } from '#shared/log/index';
import { createWorkerPorts } from '../../../functions/ops-worker/deps';
import '../../../functions/ops-worker/wiring';
import { startHarness, type Harness } from './prewarm-harness';

/**
 * `include:remote` in production: GITLAB_REMOTE_INCLUDE_ALLOWLIST set, the worker's prewarm action hands its
 * `remoteIncludes` port to discovery (functions/ops-worker/actions/prewarm.ts), and wiring.ts builds that port.
 * The https stand-in (local/gitlab/remote-host.ts) serves the template; here the port trusts the stand-in's CA.
 */
const T = 'https://templates.example.com/ci/';
let remote: RemoteHost;
let h: Harness;

beforeAll(async () => {
  remote = await startRemoteHost({ [`${T}go.yml`]: '.go:\n  image: golang:1.24-bookworm\nvet:\n  extends: .go\n  script: [go vet ./...]\n' });
  const ci = `include:\n  - remote: ${T}go.yml\n  - remote: https://templates.example.com.evil.test/x.yml\nunit:\n  image: alpine:3.21\n  script: [x]\n`;
  h = await startHarness([{ path: 'platform/remote-user', files: { '.gitlab-ci.yml': ci } }], {
    env: { GITLAB_REMOTE_INCLUDE_ALLOWLIST: T },
    ports: { remoteIncludes: createRemoteReader({ allowlist: [T], ca: remote.ca, connect: remote.connect }) },
  });
});
afterAll(async () => {
  await h?.close();
  await remote?.close();
});

describe('prewarm with GITLAB_REMOTE_INCLUDE_ALLOWLIST', () => {
  it('fetches the allowlisted remote include through the worker and caches its image; the spoofed host is never asked', async () => {
    const lintBefore = h.gl.requests().filter((q) => q.method === 'POST' && q.path.endsWith('/ci/lint')).length;
    const r = await h.prewarm();
    expect(r.status).toBe('changed');
    const images = (await h.caches()).flatMap((c) => c.spec.images);
    expect(images).toEqual(expect.arrayContaining(['golang:1.24-bookworm', 'alpine:3.21']));
    expect(remote.requests()).toEqual(['templates.example.com/ci/go.yml']);
    const report = (r.report as PrewarmReport).projects.find((p) => p.path === 'platform/remote-user')!;
    expect(report.unresolved.map((u) => u.reason)).toEqual(['remote include not on the allowlist (GITLAB_REMOTE_INCLUDE_ALLOWLIST)']);
    // The spoofed include is a gap, so GitLab's lint was asked once for this project; its merge could not be used.
    expect(h.gl.requests().filter((q) => q.method === 'POST' && q.path.endsWith('/ci/lint')).length - lintBefore).toBe(1);
  });

  it('wiring.ts builds remoteIncludes from the allowlist, on the system trust store only', async () => {
    const allow = `${remote.url}/`;
    const config = loadConfig({ GITLAB_REMOTE_INCLUDE_ALLOWLIST: allow });
    const ports = createWorkerPorts({ config, log: memoryLogger('error'), credentials: () => undefined });
    const read = ports.remoteIncludes as (url: string) => Promise<string | undefined>;
    await expect(read('https://templates.example.com/ci/go.yml')).rejects.toThrow(/not on the allowlist/);
    // On the allowlist, so it connects; the stand-in's self-signed certificate is not in the system store.
    await expect(read(`${allow}go.yml`)).rejects.toThrow(/socket error \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/);
  });
});
