import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCTOR_CHECKS } from '#local/cli/doctor/checks';
import { runDoctor } from '#local/cli/doctor/run-doctor';
import { startEcsEmulator, type EcsEmulator } from '#local/ecs/index';
import { startFcEmulator, type FcEmulator } from '#local/fc/fc-emulator';
import type { FunctionDescription } from '#local/fc/function-api';
import { seededGitlabOptions, startGitlabEmulator, type GitlabEmulator, type HookConfig } from '#local/gitlab/index';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { IMAGECACHE_CRD } from '#local/kube/imagecache-crd';
import { loadSYaml } from '#local/runtime/s-yaml';
import { listen } from '#local/sandbox/http-util';
import { grantFunctionsRole } from '#local/sandbox/parts/kube-part';

/**
 * Each new doctor check's failure, injected where it happens: in the GitLab emulator (hooks, tokens), the FC
 * emulator (deployed functions that differ from s.yaml), the Kubernetes emulator (grants, namespaces) and the config.
 */
const STS = { accessKeyId: 'STS.doctor', accessKeySecret: 'doctor-secret', securityToken: 'doctor-token' };
const ACCOUNT = '1234567890123456';
const tmp = mkdtempSync(join(tmpdir(), 'doctor-checks-'));
const user = { name: '300000000000000077', token: 'doctor-functions-token' };
let gl: GitlabEmulator;
let fc: FcEmulator;
let kube: KubeEmulator;
let ecs: EcsEmulator;
let infraHook: HookConfig;
let webhook: Awaited<ReturnType<typeof listen>>;
let webhookStatus = 401;
let fns: Record<string, FunctionDescription>;
let hook: HookConfig;
let env: Record<string, string>;

const run = async (ids: string[], over: Record<string, string | undefined> = {}) => {
  const table = DOCTOR_CHECKS.filter((make) => ids.includes(make({} as never).id));
  const r = await runDoctor({ ...env, ...over }, process.cwd(), table);
  return Object.fromEntries(r.checks.map((c) => [c.id, c]));
};

beforeAll(async () => {
  const token = 'glpat-doctor-checks';
  gl = await startGitlabEmulator(seededGitlabOptions(token));
  webhook = await listen((_req, res) => void res.writeHead(webhookStatus).end());
  const url = `${webhook.url}/gitlab-webhook`;
  hook = gl.addSystemHook({ url, token: 's', mergeRequestEvents: true });
  infraHook = gl.addProjectHook('ops/infra', { url, token: 's', events: ['pipeline'] });
  const specs = await loadSYaml(join(process.cwd(), 's.yaml'), { env: {}, accountId: ACCOUNT });
  fns = Object.fromEntries(specs.map((f) => [f.functionName, {
    ...f, environmentVariables: { ...f.environmentVariables, WEBHOOK_SECRET: 's' },
    triggers: f.triggers.map((t) => ({ ...t, ...(t.triggerType === 'http' ? { urlInternet: url } : {}) })),
  } as FunctionDescription]));
  fc = await startFcEmulator({ accountId: ACCOUNT, credentials: [STS], hasFunction: (fn) => fn in fns, describe: (fn) => fns[fn], invoke: async () => null });
  kube = await startKubeEmulator({ users: [user] });
  mkdirSync(join(tmp, 'bucket'));
  ecs = await startEcsEmulator({ credentials: [STS], hosts: [{ instanceId: 'i-doctor', mountBackingDir: join(tmp, 'bucket') }] });
  writeFileSync(join(tmp, 'functions.kubeconfig'), kube.kubeconfigFor(user.token));
  writeFileSync(join(tmp, 'admin.kubeconfig'), kube.kubeconfig);
  env = {
    GITLAB_URL: gl.url, GITLAB_TOKEN: token, GITLAB_ADMIN_TOKEN: gl.mintToken({ admin: true, scopes: ['read_api'] }), INFRA_PROJECT: 'ops/infra',
    FC_ACCOUNT_ID: ACCOUNT, FC_ENDPOINT: fc.url, ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: STS.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: STS.securityToken, KUBECONFIG_PATH: join(tmp, 'functions.kubeconfig'), MAIL_ENABLED: 'false', LOG_LEVEL: 'error',
  };
});
afterAll(async () => {
  await Promise.all([gl?.close(), fc?.close(), kube?.close(), ecs?.close(), webhook?.close()]);
  rmSync(tmp, { recursive: true, force: true });
});

describe('doctor: configuration', () => {
  it('an invalid value fails config.valid with the functions\' own message; every other check is skipped', async () => {
    const r = await run(['config.valid', 'gitlab.reachable', 'fc.functions'], { GITLAB_CONCURRENCY: '99' });
    expect(r['config.valid']).toMatchObject({ status: 'failed', detail: expect.stringContaining('GITLAB_CONCURRENCY: expected an integer in 1..32 (got "99")') });
    expect([r['gitlab.reachable']!.status, r['fc.functions']!.status]).toEqual(['skipped', 'skipped']);
  });

  it('a half-configured feature or an unknown TIMER_TZ fails; an unconfigured one is skipped, not failed', async () => {
    const half = await run(['config.valid'], { BACKUP_INSTANCE_ID: 'i-1' });
    expect(half['config.valid']).toMatchObject({ status: 'failed', detail: expect.stringContaining('backup is half configured: BACKUP_INSTANCE_ID set, OSS_BUCKET not'), fix: expect.stringContaining('set OSS_BUCKET') });
    expect((await run(['config.valid'], { TIMER_TZ: 'Asia/Nowhere' }))['config.valid']!.detail).toContain('TIMER_TZ Asia/Nowhere is not a time zone');
    const r = await run(['config.valid', 'ecs.agent', 'oss.read', 'mail.sender']);
    expect(r['config.valid']!.status).toBe('ok');
    expect(['ecs.agent', 'oss.read', 'mail.sender'].map((id) => [id, r[id]!.status, r[id]!.detail])).toEqual([
      ['ecs.agent', 'skipped', 'backup is not configured (BACKUP_INSTANCE_ID)'],
      ['oss.read', 'skipped', 'backup is not configured (OSS_BUCKET)'],
      ['mail.sender', 'skipped', 'mail is off (MAIL_ENABLED=false)'],
    ]);
  });
});

describe('doctor: GitLab', () => {
  const ids = ['config.valid', 'gitlab.reachable', 'gitlab.token', 'gitlab.scopes', 'gitlab.system-hook', 'gitlab.infra-hook'];

  it('all ok against a healthy instance', async () => {
    const r = await run(ids);
    expect(Object.values(r).filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
  });

  it('a token GitLab rejects, one about to expire, one without read_api', async () => {
    expect((await run(ids, { GITLAB_TOKEN: 'glpat-nope' }))['gitlab.reachable']).toMatchObject({ status: 'failed', detail: expect.stringContaining('rejects GITLAB_TOKEN (401'), fix: expect.stringContaining('README "GitLab token"') });
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const expiring = gl.mintToken({ scopes: ['api'], expiresAt: soon, memberships: { demo: 'maintainer' } });
    expect((await run(ids, { GITLAB_TOKEN: expiring }))['gitlab.token']).toMatchObject({ status: 'failed', detail: expect.stringContaining(`expires on ${soon}`), fix: expect.stringContaining(`rotate it before ${soon}`) });
    const narrow = gl.mintToken({ scopes: ['read_user'] });
    expect((await run(ids, { GITLAB_TOKEN: narrow }))['gitlab.scopes']).toMatchObject({ status: 'failed', detail: expect.stringContaining('token lacks the read_api (or api) scope') });
  });

  it('gitlab.scopes names the token\'s role on each project it checks', async () => {
    expect((await run(ids))['gitlab.scopes']).toMatchObject({ status: 'ok', detail: expect.stringMatching(/; role: ops\/infra (Maintainer|Owner)(,|$| —)/) });
  });

  it('a Developer token: CI/CD variables missing → gitlab.scopes failed with the fix, its role shown, the pipeline-variable caveat kept', async () => {
    const dev = gl.mintToken({ scopes: ['api'], memberships: { ops: 'developer' } });
    const c = (await run(ids, { GITLAB_TOKEN: dev }))['gitlab.scopes']!;
    expect(c).toMatchObject({ status: 'failed', fix: expect.stringContaining('README "GitLab token"') });
    expect(c.detail).toContain('variables missing');
    expect(c.detail).toContain('role: ops/infra Developer');
    expect(c.detail).toContain('token lacks Maintainer on project ops/infra (has Developer)');
    expect(c.detail).toMatch(/ — warning: remediation: if ops\/infra restricts pipeline variables .*the token has Developer\) GitLab refuses the RECONCILE_REASON variable$/);
  });

  it('the infra project\'s hook without Pipeline events, or posting elsewhere → gitlab.infra-hook failed with the fix', async () => {
    const saved = { ...infraHook };
    try {
      infraHook.events = ['push'];
      let r = await run(ids);
      expect(r['gitlab.infra-hook']).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^hook \d+ lacks pipeline events$/), fix: expect.stringContaining('ops/infra → Settings → Webhooks') });
      Object.assign(infraHook, saved, { url: 'https://elsewhere.example.com/hook' });
      r = await run(ids);
      expect(r['gitlab.infra-hook']).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^no hook of ops\/infra posts to the webhook trigger .*\(1 hooks: \d+ → https:\/\/elsewhere\.example\.com\/…\)$/), fix: expect.stringContaining('Pipeline events') });
    } finally {
      Object.assign(infraHook, saved);
    }
    expect((await run(ids))['gitlab.infra-hook']!.status).toBe('ok');
  });

  it('the system hook: missing events, SSL verification off, pointing elsewhere; no admin token → skipped (auto-disabling: hook-deliveries.test.ts)', async () => {
    const saved = { ...hook };
    try {
      hook.events = ['push'];
      hook.enableSslVerification = false;
      let r = await run(ids);
      expect(r['gitlab.system-hook']).toMatchObject({ status: 'failed', detail: expect.stringMatching(/lacks merge request, repository update events; hook \d+ has SSL verification off/), fix: expect.stringContaining('Admin Area → System Hooks') });
      // Another hook's URL may carry its own secret (query, Slack-style path): only its id and host are named.
      Object.assign(hook, saved, { url: 'https://old.example.com/services/T0/B0/s3cr3t-path?token=s3cr3t-query' });
      r = await run(ids);
      expect(r['gitlab.system-hook']).toMatchObject({ status: 'failed', detail: expect.stringMatching(/no system hook posts to the webhook trigger .*\(1 hooks: \d+ → https:\/\/old\.example\.com\/…\)$/) });
      expect(JSON.stringify(r['gitlab.system-hook'])).not.toMatch(/s3cr3t/);
    } finally {
      Object.assign(hook, saved);
    }
    const r = await run(ids, { GITLAB_ADMIN_TOKEN: undefined });
    expect(r['gitlab.system-hook']).toMatchObject({ status: 'skipped', detail: expect.stringContaining('set GITLAB_ADMIN_TOKEN') });
    expect(r['gitlab.infra-hook']!.status).toBe('ok');
  });
});

describe('doctor: FC', () => {
  const ids = ['config.valid', 'fc.functions', 'fc.async-config', 'fc.triggers', 'fc.webhook'];

  it('all ok when FC holds what s.yaml declares; the webhook answers 401 without a token', async () => {
    const r = await run(ids);
    expect(Object.values(r).filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
  });

  it('a deployment that drifted from s.yaml: no task mode, a missing timer, another zone, no secret, no role', async () => {
    const saved = structuredClone(fns);
    try {
      fns['ops-worker']!.asyncInvokeConfig = { ...fns['ops-worker']!.asyncInvokeConfig, asyncTask: false };
      fns['ops-worker']!.triggers = fns['ops-worker']!.triggers.filter((t) => t.triggerName !== 'backup-watchdog');
      fns['gitlab-webhook']!.environmentVariables = {};
      delete fns['gitlab-webhook']!.role;
      const r = await run(ids, { TIMER_TZ: 'Europe/Berlin' });
      expect(r['fc.functions']).toMatchObject({ status: 'failed', detail: 'gitlab-webhook has no role: FC gives it no STS keys; gitlab-webhook has no WEBHOOK_SECRET: every delivery gets 401', fix: expect.stringContaining('s deploy') });
      expect(r['fc.async-config']!.detail).toContain('ops-worker asyncTask is false, s.yaml says true (x-fc-async-task-id needs task mode');
      expect(r['fc.triggers']!.detail).toContain('ops-worker has no trigger backup-watchdog');
      expect(r['fc.triggers']!.detail).toContain('nightly-backup fires on "CRON_TZ=Asia/Seoul 0 0 3 * * *", s.yaml says "CRON_TZ=Europe/Berlin 0 0 3 * * *"');
    } finally {
      fns = saved;
    }
  });

  it('a webhook that does not answer 401 fails; a function not deployed fails', async () => {
    webhookStatus = 503;
    try {
      expect((await run(ids))['fc.webhook']).toMatchObject({ status: 'failed', detail: expect.stringContaining('answered 503, not 401') });
    } finally {
      webhookStatus = 401;
    }
    const saved = fns['ops-worker']!;
    delete fns['ops-worker'];
    try {
      expect((await run(ids))['fc.functions']).toMatchObject({ status: 'failed', detail: 'ops-worker is not deployed' });
    } finally {
      fns['ops-worker'] = saved;
    }
  });
});

describe('doctor: Kubernetes (SelfSubjectAccessReview as the functions\' identity)', () => {
  const ids = ['config.valid', 'k8s.api', 'k8s.rbac', 'k8s.imagecache-crd', 'k8s.runner-namespace'];

  it('a cluster without the ImageCache CRD fails k8s.imagecache-crd with the fix', async () => {
    kube.store.delete('customresourcedefinitions', IMAGECACHE_CRD.metadata.name);
    try {
      expect((await run(ids))['k8s.imagecache-crd']).toMatchObject({ status: 'failed', detail: 'the cluster does not serve imagecaches.eci.alibabacloud.com/v1', fix: expect.stringContaining('install the ImageCache CRD') });
    } finally {
      kube.create(structuredClone(IMAGECACHE_CRD) as never);
    }
    expect((await run(ids))['k8s.imagecache-crd']!.status).toBe('ok');
  });

  it('without the grants every call is denied and named; the fix is GrantPermissions', async () => {
    const r = await run(ids);
    expect(r['k8s.api']!.status).toBe('ok');
    expect(r['k8s.rbac']).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^28 of 28 calls the functions make are denied: list persistentvolumes \(cluster\), .*update configmaps in default, .*get pods\/log in gitlab-ask-ops-drill/), fix: expect.stringContaining('GrantPermissions') });
    expect(r['k8s.imagecache-crd']!.status).toBe('ok');
    expect(r['k8s.runner-namespace']).toMatchObject({ status: 'failed', detail: 'this identity may read neither Namespaces nor Secrets in default, so it cannot tell whether the namespace exists' });
  });

  it('with infra/k8s\'s grants every call is allowed; a namespace outside them is denied; a missing namespace fails', async () => {
    grantFunctionsRole(kube, user.name);
    kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sh.helm.release.v1.gitlab-runner.v1', namespace: 'default', labels: { owner: 'helm', name: 'gitlab-runner', status: 'deployed', version: '1' } }, type: 'helm.sh/release.v1', data: {} });
    const r = await run(ids);
    expect(Object.values(r).filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
    expect(r['k8s.runner-namespace']!.detail).toContain('holds Helm release gitlab-runner');
    const elsewhere = await run(ids, { RUNNER_NAMESPACE: 'ci' });
    expect(elsewhere['k8s.rbac']!.detail).toMatch(/^\d+ of \d+ calls the functions make are denied: list persistentvolumeclaims in ci/);
    const admin = await run(ids, { KUBECONFIG_PATH: join(tmp, 'admin.kubeconfig'), RUNNER_NAMESPACE: 'nope' });
    expect(admin['k8s.runner-namespace']).toMatchObject({ status: 'failed', detail: 'namespace nope does not exist' });
    kube.store.delete('secrets', 'sh.helm.release.v1.gitlab-runner.v1', 'default');
    expect((await run(ids))['k8s.runner-namespace']).toMatchObject({ status: 'failed', detail: 'no Helm release gitlab-runner in default: the namespace is missing or the runner is not installed there' });
  });
});

describe('doctor: the GitLab host\'s /etc/fstab (read by the RunCommand probe)', () => {
  const ids = ['config.valid', 'ecs.agent', 'host.fstab'];
  const host = (): Record<string, string> => ({ BACKUP_INSTANCE_ID: 'i-doctor', ECS_ENDPOINT: ecs.url, OSS_BUCKET: 'gitlab-backups' });
  const fstab = (): string => ecs.host('i-doctor').path('/etc/fstab');

  it('ok with the ossfs line; no line, another file system, or no allow_other → failed with the fix', async () => {
    const saved = readFileSync(fstab(), 'utf8');
    const h = ecs.host('i-doctor');
    try {
      expect((await run(ids, host()))['host.fstab']).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^\/etc\/fstab mounts \/mnt\/gitlab-backups as fuse\.ossfs \(_netdev,allow_other,/) });
      h.setFstab(false);
      expect((await run(ids, host()))['host.fstab']).toMatchObject({ status: 'failed', detail: '/etc/fstab has no line for /mnt/gitlab-backups: the mount is gone after the next reboot', fix: expect.stringMatching(/^put `gitlab-backups \/mnt\/gitlab-backups fuse\.ossfs _netdev,allow_other,url=\S+ 0 0` in \/etc\/fstab/) });
      writeFileSync(fstab(), '/dev/vda1 / ext4 defaults 0 1\n/dev/vdb1 /mnt/gitlab-backups ext4 defaults 0 2\n');
      expect((await run(ids, host()))['host.fstab']).toMatchObject({ status: 'failed', detail: '/etc/fstab mounts /mnt/gitlab-backups as ext4, not ossfs', fix: expect.stringContaining('fuse.ossfs _netdev,allow_other') });
      h.setFstab({ allowOther: false });
      expect((await run(ids, host()))['host.fstab']).toMatchObject({ status: 'failed', detail: '/etc/fstab mounts /mnt/gitlab-backups without allow_other: after a remount the git user cannot write', fix: expect.stringContaining('allow_other') });
    } finally {
      writeFileSync(fstab(), saved);
    }
  });
});
