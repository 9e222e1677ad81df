import { mkdirSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOssEmulator, type OssEmulator } from '#local/oss/index';
import { listen } from '#local/sandbox/http-util';
import { main } from '../main';
import { policyFor } from '../commands/policy';
import type { CliIo } from '../registry';
import type { RamStatement } from './ram-policy';

/**
 * The operator policy against what `ops backups`, `ops status` and `ops doctor` really ask of OSS: each command runs
 * against the OSS emulator through a recording proxy, and every call it made must be allowed by `policy --operator`
 * for the same configuration (and be a read). A prefix or key the CLI starts to use without the policy following fails.
 */
const STS = { accessKeyId: 'STS.operator', accessKeySecret: 'operator-secret', securityToken: 'operator-token' };
const BUCKET = 'acme-backups';
const NAME = '1795802400_2026_11_28_abcd';
let oss: OssEmulator;
let proxy: Awaited<ReturnType<typeof listen>>;
const seen: Array<{ method: string; key: string; query: URLSearchParams }> = [];

beforeAll(async () => {
  oss = await startOssEmulator({ credentials: [STS], buckets: [BUCKET] });
  // Forwards every request unchanged (the signature covers the Host header and path) and notes method, key and query.
  proxy = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    seen.push({ method: req.method ?? 'GET', key: decodeURIComponent(url.pathname.slice(1)), query: url.searchParams });
    const target = new URL(oss.url);
    const fwd = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up: IncomingMessage) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(fwd);
  });
});
afterAll(async () => {
  await Promise.all([proxy?.close(), oss?.close()]);
});

function seed(prefix: string, configPrefix: string): void {
  const put = (key: string, body: string): void => {
    const file = join(oss.bucketDir(BUCKET), key);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
  };
  put(`${prefix}${NAME}_gitlab_backup.tar`, 'tar');
  put(`${prefix}${NAME}_gitlab_backup.manifest.json`, JSON.stringify({ runName: NAME }));
  put(`${configPrefix}${NAME}_gitlab_config.tar`, 'etc');
  put(`${prefix}verified/${NAME}.json`, JSON.stringify({ name: NAME, startedAt: '2026-11-27T18:00:00Z', verifiedAt: '2026-11-27T18:30:00Z' }));
  put(`${prefix}verified/${NAME}.drill.json`, JSON.stringify({ result: 'passed', rtoSeconds: 1200 }));
}

async function ops(argv: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: () => undefined, stdin: async () => '', env, cwd: process.cwd() };
  return { code: await main(argv, io), out: out.join('\n') };
}

/** RAM's StringLike / resource wildcard: `*` any run of characters. */
const glob = (pattern: string, value: string): boolean => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

/** The statements of `policy` that allow `action` on `resource` (with `prefix` for ListObjects' oss:Prefix). */
function allows(policy: RamStatement[], action: string, resource: string, prefix?: string): boolean {
  return policy.some((s) => s.Action.includes(action) && s.Resource.some((r) => glob(r, resource)) && (prefix === undefined || !s.Condition || (s.Condition.StringLike?.['oss:Prefix'] ?? []).some((p) => glob(p, prefix))));
}

describe('ops policy --operator covers what the CLI asks of OSS', () => {
  it.each([
    ['the default prefixes', {}],
    ['a data prefix and a config prefix of their own', { OSS_PREFIX: 'nightly/', BACKUP_CONFIG_PREFIX: 'etc-archives/' }],
  ])('backups, status and doctor with %s: every call is a read the policy allows', async (_what, over: Record<string, string>) => {
    const env: Record<string, string> = {
      SANDBOX_DIR: '/nonexistent-sandbox', LOG_LEVEL: 'error', OSS_BUCKET: BUCKET, OSS_ENDPOINT: proxy.url, FC_ACCOUNT_ID: '5123456789012345', MAIL_ENABLED: 'false',
      // The instance is named (doctor wants backup whole) but nothing answers there: its checks fail fast, unrelated.
      BACKUP_INSTANCE_ID: 'i-operator', ECS_ENDPOINT: 'http://127.0.0.1:9',
      ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: STS.accessKeySecret, ALIBABA_CLOUD_SECURITY_TOKEN: STS.securityToken, ...over,
    };
    seed(over.OSS_PREFIX ?? 'gitlab-backups/', over.BACKUP_CONFIG_PREFIX ?? 'gitlab-config-backups/');
    seen.length = 0;
    expect((await ops(['backups', '--json'], env)).code).toBe(0);
    const before = seen.length;
    await ops(['status', '--json'], env); // FC is not named: that section says so; the backup section reads OSS
    expect(seen.length, 'status read OSS').toBeGreaterThan(before);
    const doctor = JSON.parse((await ops(['doctor', '--json'], env)).out) as { checks: Array<{ id: string; service: string; status: string; detail: string }> };
    expect(doctor.checks.filter((c) => c.service === 'oss').map((c) => `${c.id} ${c.status}`)).toEqual(['oss.read ok', 'oss.lifecycle ok']);
    const lists = seen.filter((c) => c.method === 'GET' && c.key === '' && !c.query.has('lifecycle'));
    expect(new Set(lists.map((c) => c.query.get('prefix'))).size, 'both prefixes listed').toBe(2);
    expect(seen.some((c) => c.method === 'GET' && c.key.endsWith(`${NAME}.json`)), 'a verified record read').toBe(true);

    const { policy } = await policyFor(env, { operator: true });
    const bucket = `acs:oss:*:5123456789012345:${BUCKET}`;
    const denied = seen.filter((c) => {
      if (c.method !== 'GET' && c.method !== 'HEAD') return true; // the operator only reads
      if (c.key === '' && c.query.has('lifecycle')) return !allows(policy.Statement, 'oss:GetBucketLifecycle', bucket);
      if (c.key === '') return !allows(policy.Statement, 'oss:ListObjects', bucket, c.query.get('prefix') ?? '');
      return !allows(policy.Statement, 'oss:GetObject', `${bucket}/${c.key}`);
    });
    expect(denied.map((c) => `${c.method} /${c.key}?${c.query.toString()}`)).toEqual([]);
  });
});
