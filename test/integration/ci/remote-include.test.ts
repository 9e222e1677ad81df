import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRemoteHost, type RemoteHost } from '#local/gitlab/remote-host';
import { discoverImages, memoryCiSource } from '#shared/ci/index';
import { createRemoteReader } from '#shared/ci/remote-reader';

/** `include:remote` through the real https reader against the stand-in: allowlist, limits, redirects, failures. */
const T = 'https://templates.example.com/ci/';
let remote: RemoteHost;

beforeAll(async () => {
  remote = await startRemoteHost(
    {
      [`${T}build.yml`]: 'build:\n  image: golang:1.24\n  script: [go build]\n',
      [`${T}nested.yml`]: `include:\n  - remote: ${T}build.yml\ntest:\n  image: golang:1.24-alpine\n  script: [go test]\n`,
      'https://gitlab.example.com.evil.test/x.yml': 'evil:\n  image: evil/miner:1\n  script: [x]\n',
    },
  );
});
afterAll(() => remote.close());

const reader = (o: Partial<Parameters<typeof createRemoteReader>[0]> = {}) =>
  createRemoteReader({ allowlist: [T, 'https://gitlab.example.com/'], ca: remote.ca, connect: remote.connect, ...o });

const discover = (content: string, readRemote = reader()) => {
  const source = { ...memoryCiSource({}), readRemote };
  return discoverImages({ path: '.gitlab-ci.yml', content, source, limits: { remoteAllowlist: [T, 'https://gitlab.example.com/'] } });
};

describe('include:remote through the https reader', () => {
  it('fetches allowlisted files, nested remote includes too', async () => {
    const d = await discover(`include:\n  - ${T}nested.yml\n`);
    expect(d.errors).toEqual([]);
    expect(d.images).toEqual(['golang:1.24', 'golang:1.24-alpine']);
  });

  it('never fetches a spoofed prefix (https://gitlab.example.com.evil.test/)', async () => {
    const before = remote.requests().length;
    const d = await discover('include:\n  - remote: https://gitlab.example.com.evil.test/x.yml\n');
    expect(d.images).toEqual([]);
    expect(d.unresolved.map((u) => u.reason)).toEqual(['remote include not on the allowlist (GITLAB_REMOTE_INCLUDE_ALLOWLIST)']);
    expect(remote.requests().length).toBe(before);
    // The reader refuses it by itself too, whatever its caller checked.
    await expect(reader()('https://gitlab.example.com.evil.test/x.yml')).rejects.toThrow(/not on the allowlist/);
  });

  it('never fetches a spoofed prefix of an entry without a trailing slash (https://gitlab.example.com)', async () => {
    const bare = ['https://gitlab.example.com'];
    const r = reader({ allowlist: bare });
    const before = remote.requests().length;
    const source = { ...memoryCiSource({}), readRemote: r };
    const d = await discoverImages({
      path: '.gitlab-ci.yml', content: 'include:\n  - remote: https://gitlab.example.com.evil.test/x.yml\n', source, limits: { remoteAllowlist: bare },
    });
    expect(d.images).toEqual([]);
    expect(d.unresolved.map((u) => u.reason)).toEqual(['remote include not on the allowlist (GITLAB_REMOTE_INCLUDE_ALLOWLIST)']);
    await expect(r('https://gitlab.example.com.evil.test/x.yml')).rejects.toThrow(/not on the allowlist/);
    expect(remote.requests().length).toBe(before);
  });

  it('refuses plain http even for an allowlisted host name', async () => {
    await expect(reader({ allowlist: ['http://templates.example.com/ci/'] })(`http://templates.example.com/ci/build.yml`)).rejects.toThrow(/https only/);
  });

  it('bounds size and time, follows redirects only onto the allowlist, and reports GitLab-worded errors', async () => {
    remote.fault(`${T}big.yml`, { bytes: 4096 });
    remote.fault(`${T}slow.yml`, { delayMs: 2_000 });
    remote.fault(`${T}moved.yml`, { redirect: `${T}build.yml` });
    remote.fault(`${T}away.yml`, { redirect: 'https://gitlab.example.com.evil.test/x.yml' });
    remote.fault(`${T}broken.yml`, { status: 500 });
    const r = reader({ maxBytes: 1024, timeoutMs: 200 });
    await expect(r(`${T}big.yml`)).rejects.toThrow(`Remote file \`${T}big.yml\` could not be fetched because it is larger than 1024 bytes!`);
    await expect(r(`${T}slow.yml`)).rejects.toThrow('because of a timeout error!');
    expect(await r(`${T}moved.yml`)).toContain('golang:1.24');
    await expect(r(`${T}away.yml`)).rejects.toThrow(/redirects off the allowlist/);
    await expect(r(`${T}broken.yml`)).rejects.toThrow('because of HTTP code `500` error!');
    expect(await r(`${T}missing.yml`)).toBeUndefined();
    const d = await discover(`include:\n  - ${T}big.yml\n  - ${T}build.yml\n`, r);
    expect(d.images).toEqual(['golang:1.24']);
    expect(d.errors.map((e) => e.file)).toEqual([`${T}big.yml`]);
  });

  it('does not trust the stand-in without its CA (a real TLS check)', async () => {
    await expect(createRemoteReader({ allowlist: [T], connect: remote.connect })(`${T}build.yml`)).rejects.toThrow(/socket error/);
  });
});
