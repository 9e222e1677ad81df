import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCTOR_CHECKS } from '#local/cli/doctor/checks';
import { runDoctor } from '#local/cli/doctor/run-doctor';
import { startFcEmulator, type FcEmulator } from '#local/fc/fc-emulator';
import type { FunctionDescription } from '#local/fc/function-api';
import { seededGitlabOptions, startGitlabEmulator, type GitlabEmulator, type HookConfig } from '#local/gitlab/index';
import { loadSYaml } from '#local/runtime/s-yaml';
import { listen } from '#local/sandbox/http-util';

/**
 * `gitlab.infra-hook` reads the hook's recent deliveries (GitLab's webhook events API, 17.3+) and `gitlab.system-hook`
 * says it cannot: the emulated receiver answers what each case needs, the emulated GitLab logs every attempt.
 */
const STS = { accessKeyId: 'STS.hooks', accessKeySecret: 'hooks-secret', securityToken: 'hooks-token' };
const ACCOUNT = '1234567890123456';
const TOKEN = 'glpat-hook-deliveries';
const IDS = ['config.valid', 'gitlab.reachable', 'gitlab.system-hook', 'gitlab.infra-hook'];
let gl: GitlabEmulator;
let fc: FcEmulator;
let receiver: Awaited<ReturnType<typeof listen>>;
let answer = 202;
let url: string;
let infraHook: HookConfig;
let systemHook: HookConfig;
let env: Record<string, string>;

const run = async (over: Record<string, string | undefined> = {}) => {
  const r = await runDoctor({ ...env, ...over }, process.cwd(), DOCTOR_CHECKS.filter((make) => IDS.includes(make({} as never).id)));
  return Object.fromEntries(r.checks.map((c) => [c.id, c]));
};
/** One Pipeline Hook delivery of the infra hook, answered `status`. */
const deliver = async (status: number, hook = infraHook, on = gl) => {
  answer = status;
  await on.hooks.deliver({ hook, event: 'Pipeline Hook', payload: { object_kind: 'pipeline' } });
};

beforeAll(async () => {
  gl = await startGitlabEmulator(seededGitlabOptions(TOKEN));
  receiver = await listen((_req, res) => void res.writeHead(answer).end());
  url = `${receiver.url}/gitlab-webhook`;
  systemHook = gl.addSystemHook({ url, token: 's', mergeRequestEvents: true });
  infraHook = gl.addProjectHook('ops/infra', { url, token: 's', events: ['pipeline'] });
  const specs = await loadSYaml(join(process.cwd(), 's.yaml'), { env: {}, accountId: ACCOUNT });
  const fns = Object.fromEntries(specs.map((f) => [f.functionName, { ...f, triggers: f.triggers.map((t) => ({ ...t, ...(t.triggerType === 'http' ? { urlInternet: url } : {}) })) } as FunctionDescription]));
  fc = await startFcEmulator({ accountId: ACCOUNT, credentials: [STS], hasFunction: (fn) => fn in fns, describe: (fn) => fns[fn], invoke: async () => null });
  env = {
    GITLAB_URL: gl.url, GITLAB_TOKEN: TOKEN, GITLAB_ADMIN_TOKEN: gl.mintToken({ admin: true, scopes: ['read_api'] }), INFRA_PROJECT: 'ops/infra',
    FC_ACCOUNT_ID: ACCOUNT, FC_ENDPOINT: fc.url, ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: STS.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: STS.securityToken, MAIL_ENABLED: 'false', LOG_LEVEL: 'error',
  };
});
afterAll(async () => {
  await Promise.all([gl?.close(), fc?.close(), receiver?.close()]);
});

describe('doctor: the infra hook\'s recent deliveries (webhook events API)', () => {
  it('no deliveries yet → ok, saying so; the system hook\'s detail says GitLab has no delivery log for it', async () => {
    const r = await run();
    expect(r['gitlab.infra-hook']).toMatchObject({ status: 'ok', detail: expect.stringContaining('; no deliveries in the last 7 days') });
    expect(r['gitlab.system-hook']).toMatchObject({ status: 'ok', detail: expect.stringContaining('GitLab offers no delivery log for system hooks: see Admin > System hooks > Edit > Recent events') });
  });

  it('the newest delivery answered 401 → failed with its time and the secret fix; 503 → the function\'s logs', async () => {
    await deliver(401);
    let c = (await run())['gitlab.infra-hook']!;
    const at = gl.hookLogs(infraHook.id).at(-1)!.created_at;
    expect(c).toMatchObject({ status: 'failed', detail: `hook ${infraHook.id}'s newest delivery (${at}) was answered 401; 1 failed in the last 7 days` });
    expect(c.fix).toMatch(/^the hook's Secret token differs from the webhook's WEBHOOK_SECRET: set it again in ops\/infra → Settings → Webhooks/);
    await deliver(503);
    c = (await run())['gitlab.infra-hook']!;
    expect(c).toMatchObject({ status: 'failed', detail: expect.stringMatching(/newest delivery \(.+\) was answered 503; 2 failed in the last 7 days$/), fix: expect.stringContaining("read gitlab-webhook's logs in FC/SLS around") });
    expect(c.fix).toContain(url);
  });

  it('a delivery GitLab got no answer for (internal error) → failed', async () => {
    await gl.hooks.deliver({ hook: { ...infraHook, url: 'http://127.0.0.1:1/gitlab-webhook' }, event: 'Pipeline Hook', payload: { object_kind: 'pipeline' } });
    expect((await run())['gitlab.infra-hook']).toMatchObject({ status: 'failed', detail: expect.stringMatching(/newest delivery \(.+\) got no answer \(internal error.*; 3 failed in the last 7 days$/) });
  });

  it('failures, then a delivery that went through → ok with a warning naming how many failed', async () => {
    await deliver(202);
    expect((await run())['gitlab.infra-hook']).toMatchObject({ status: 'ok', detail: expect.stringMatching(/; newest delivery \S+ answered 202 — warning: 3 of the deliveries in the last 7 days failed \(ops\/infra → Settings → Webhooks → Edit → Recent events\)$/) });
  });

  it('failures older than GitLab\'s 7 days no longer count', async () => {
    const logs = gl.hookLogs(infraHook.id);
    const saved = logs.map((l) => l.created_at);
    try {
      for (const l of logs.slice(0, -1)) l.created_at = new Date(Date.now() - 9 * 86_400_000).toISOString();
      expect((await run())['gitlab.infra-hook']!.detail).toMatch(/answered 202, none failed in the last 7 days$/);
    } finally {
      logs.forEach((l, i) => void (l.created_at = saved[i]!));
    }
  });

  it('auto-disabled by GitLab → failed with the re-enable fix; a system hook is never auto-disabled, so its alert_status is not judged', async () => {
    Object.assign(infraHook, { alertStatus: 'temporarily_disabled', disabledUntil: '2030-01-01T00:00:00Z' });
    Object.assign(systemHook, { alertStatus: 'disabled' });
    try {
      const r = await run();
      expect(r['gitlab.infra-hook']).toMatchObject({ status: 'failed', detail: expect.stringContaining(`hook ${infraHook.id} is temporarily_disabled until 2030-01-01T00:00:00Z after failing deliveries`) });
      expect(r['gitlab.infra-hook']!.fix).toContain(`re-enable hook ${infraHook.id} with a test request: ops/infra → Settings → Webhooks → Edit → Test, or POST /api/v4/projects/ops%2Finfra/hooks/${infraHook.id}/test/pipeline_events`);
      expect(r['gitlab.system-hook']!.status).toBe('ok');
    } finally {
      Object.assign(infraHook, { alertStatus: undefined, disabledUntil: undefined });
      Object.assign(systemHook, { alertStatus: undefined });
    }
  });

  it('the events route answering 503 (or 403) → skipped, "not read", never ok: nothing is known about the deliveries', async () => {
    await deliver(401);
    const off = gl.faults.add({ method: 'GET', path: '/hooks/\\d+/events$', status: 503, body: { message: '503 Service Unavailable' } });
    try {
      const c = (await run())['gitlab.infra-hook']!;
      expect(c).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/recent deliveries not read \(GET \/api\/v4\/projects\/.*\/events answered .*503/) });
    } finally {
      off();
    }
    expect((await run())['gitlab.infra-hook']!.status).toBe('failed'); // the same 401 delivery, read: failed
  });

  it('a GitLab before 17.3 (no events route) → skipped naming its version, never failed', async () => {
    const old = await startGitlabEmulator({ ...seededGitlabOptions(TOKEN), version: '17.2.8-ee' });
    try {
      const h = old.addProjectHook('ops/infra', { url, token: 's', events: ['pipeline'] });
      await deliver(401, h, old);
      const c = (await run({ GITLAB_URL: old.url, GITLAB_ADMIN_TOKEN: undefined }))['gitlab.infra-hook']!;
      expect(c).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/^GitLab 17\.2\.8-ee has no webhook events API \(GET \/projects\/:id\/hooks\/:hook_id\/events, GitLab 17\.3\+\), so hook \d+'s recent deliveries are not checked: .*\(the hook's settings are fine: 1 hook of ops\/infra → /) });
    } finally {
      await old.close();
    }
  });
});
