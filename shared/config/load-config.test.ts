import { describe, expect, it } from 'vitest';
import { loadConfig, requireKeys } from './load-config';
import { envSchema } from './sections';

describe('loadConfig', () => {
  it('applies defaults and normalises values', () => {
    const env = loadConfig({ GITLAB_URL: 'https://g.example.com///', MAIL_TO: 'a@b,\n c@d,', DRY_RUN: 'YES', GITLAB_CONCURRENCY: ' 8 ' }).env;
    expect(env).toMatchObject({ GITLAB_URL: 'https://g.example.com', MAIL_TO: ['a@b', 'c@d'], DRY_RUN: true, GITLAB_CONCURRENCY: 8, LOG_LEVEL: 'info', FC_INTERNAL: true });
    expect(env.FC_ACCOUNT_ID).toBeUndefined();
    expect(Object.keys(envSchema.shape).length).toBeGreaterThan(50);
  });

  it('names every bad key in one error, with the same messages as before, and never a secret value', () => {
    const raw = { DRY_RUN: 'maybe', GITLAB_CONCURRENCY: '99', GITLAB_URL: 'ftp://x', LOG_LEVEL: 'loud', WEBHOOK_SECRET: 's3cr3t', WEBHOOK_MAX_BODY_BYTES: 'abc' };
    let err: unknown;
    try {
      loadConfig(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', status: 500 });
    expect((err as Error).message).toBe(
      'invalid configuration: LOG_LEVEL: expected one of debug|info|warn|error (got "loud"); DRY_RUN: expected true or false (got "maybe"); ' +
        'WEBHOOK_MAX_BODY_BYTES: expected an integer in 1024..33554432 (got "abc"); GITLAB_URL: expected an http(s) URL (got "ftp://x"); ' +
        'GITLAB_CONCURRENCY: expected an integer in 1..32 (got "99")',
    );
    expect((err as { details: { keys: string[] } }).details.keys).toEqual(['LOG_LEVEL', 'DRY_RUN', 'WEBHOOK_MAX_BODY_BYTES', 'GITLAB_URL', 'GITLAB_CONCURRENCY']);
  });

  it('takes GITLAB_REMOTE_INCLUDE_ALLOWLIST as https URL prefixes only', () => {
    expect(loadConfig({ GITLAB_REMOTE_INCLUDE_ALLOWLIST: 'https://gitlab.example.com/, https://raw.example.org/ci/\n' }).env.GITLAB_REMOTE_INCLUDE_ALLOWLIST)
      .toEqual(['https://gitlab.example.com/', 'https://raw.example.org/ci/']);
    expect(() => loadConfig({ GITLAB_REMOTE_INCLUDE_ALLOWLIST: 'https://ok.example/,http://plain.example/' })).toThrow(
      /GITLAB_REMOTE_INCLUDE_ALLOWLIST: "http:\/\/plain\.example\/" is not an https URL prefix/,
    );
    expect(() => loadConfig({ GITLAB_REMOTE_INCLUDE_ALLOWLIST: 'gitlab.example.com' })).toThrow(/is not an https URL prefix/);
  });

  it('takes TIMER_TZ as an IANA zone name (default Asia/Seoul) and refuses other shapes', () => {
    expect(loadConfig({}).env.TIMER_TZ).toBe('Asia/Seoul');
    for (const z of ['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+9']) expect(loadConfig({ TIMER_TZ: z }).env.TIMER_TZ).toBe(z);
    for (const z of ['+09:00', 'KST 9', 'Asia/Seoul; rm', '../etc']) expect(() => loadConfig({ TIMER_TZ: z }), z).toThrow(/TIMER_TZ: expected an IANA time zone/);
  });

  it('checks the drill\'s DRILL_OSS_AUTH and DRILL_SPECS when the config is read, not a month later when the drill runs', () => {
    expect(loadConfig({}).env).toMatchObject({ DRILL_OSS_AUTH: 'secret:gitlab-ask-ops-drill-oss', DRILL_SPECS: '8-16Gi' });
    expect(loadConfig({ DRILL_OSS_AUTH: 'role:GitlabDrillOss', DRILL_SPECS: '8-16Gi,16-32Gi,ecs.c6.2xlarge' }).env).toMatchObject({ DRILL_OSS_AUTH: 'role:GitlabDrillOss', DRILL_SPECS: '8-16Gi,16-32Gi,ecs.c6.2xlarge' });
    for (const v of ['gitlab-ask-ops-drill-oss', 'secret:', 'key:abc', 'secret:a b']) expect(() => loadConfig({ DRILL_OSS_AUTH: v }), v).toThrow(/DRILL_OSS_AUTH: expected secret:<Secret name> or role:<RamRoleName>/);
    for (const v of ['8c16g', '8-16', '8-16Gi,', '1-2Gi,1-2Gi,1-2Gi,1-2Gi,1-2Gi,1-2Gi']) expect(() => loadConfig({ DRILL_SPECS: v }), v).toThrow(/DRILL_SPECS: expected up to 5 ECI sizes/);
  });

  it('does not echo a bad secret', () => {
    // A non-string value is the only way a secret key can fail; its value must not be quoted back.
    expect(() => loadConfig({ GITLAB_TOKEN: 42 as unknown as string })).toThrow(/^invalid configuration: GITLAB_TOKEN: Invalid input: expected string, received number$/);
  });

  it('toJSON hides secrets; requireKeys lists every missing key', () => {
    const config = loadConfig({ WEBHOOK_SECRET: 'hunter2', OSS_BUCKET: 'b' });
    expect(JSON.stringify(config)).not.toContain('hunter2');
    expect(config.toJSON()).toMatchObject({ WEBHOOK_SECRET: '[set]', OSS_BUCKET: 'b' });
    expect(() => requireKeys(config, 'backup', ['OSS_BUCKET', 'BACKUP_INSTANCE_ID', 'MAIL_TO'])).toThrow('backup is not configured: set BACKUP_INSTANCE_ID, MAIL_TO');
  });
});
