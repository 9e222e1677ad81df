import { loadConfig } from '#shared/config/index';
import { createGitlabPort } from '#shared/gitlab/api/index';
import { createKubePort } from '#shared/kube/create-kube-port';
import { MANAGED_SELECTOR } from '#shared/imagecache/cache-identity';
import type { ImageCache } from '#shared/kube/port';
import { memoryLogger } from '#shared/log/index';
import type { Mailer, MailMessage } from '#shared/mail/index';
import type { Clock } from '#shared/runtime/clock';
import type { ImageSetStore } from '#shared/imagecache/image-set-store';
import { startGitlabEmulator, type GitlabEmulator, type GitlabEmulatorOptions } from '#local/gitlab/index';
import type { SeedProject } from '#local/gitlab/types';
import type { EciOptions } from '#local/kube/eci-controller';
import { startKubeEmulator, type KubeEmulator } from '#local/kube/index';
import { grantFunctionsRole } from '#local/sandbox/parts/kube-part';
import type { KubeObject } from '#local/kube/store';
import { handleWorker } from '../../../functions/ops-worker/handler';
import type { ActionResult } from '../../../functions/ops-worker/types';
import { helmReleaseSecret, SEED_RUNNER_TOML } from './helm-release-secret';

/** Real clock, but waits shrunk 100× (at most 20 ms) so the worker's Ready polling runs in test time. */
export const quickClock: Clock = { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(20, ms / 100))) };

export interface Harness {
  gl: GitlabEmulator;
  kube: KubeEmulator;
  mails: MailMessage[];
  /** Run the prewarm action through the worker handler with real clients against the emulators. */
  prewarm(params?: Record<string, unknown>, dryRun?: boolean): Promise<ActionResult>;
  /** Any worker request (e.g. a hook run with `source.trigger`), optionally with another GITLAB_TOKEN. */
  request(req: Record<string, unknown>, o?: { token?: string }): Promise<ActionResult>;
  /** The same with another GITLAB_TOKEN (a fresh port: nothing learnt by earlier runs) and, optionally, an image-set store. */
  prewarmAs(token: string, o?: { store?: ImageSetStore; env?: Record<string, string>; dryRun?: boolean }): Promise<ActionResult>;
  /** Our caches as the cluster holds them, by name. */
  caches(): Promise<ImageCache[]>;
  close(): Promise<void>;
}

/** GitLab + Kubernetes emulators, a deployed gitlab-runner Helm release (the seed's runners.config), the worker. */
export async function startHarness(
  projects: SeedProject[],
  opts: {
    unpullable?: string[];
    env?: Record<string, string>;
    kubeTimeoutMs?: number;
    gitlab?: Partial<GitlabEmulatorOptions>;
    /** ECI behaviour switches (phases, failure shape) for the unconfirmed parts of ImageCache. */
    eci?: Omit<EciOptions, 'unpullable'>;
    /** Run the worker as the functions' identity with exactly infra/k8s's grants (RBAC on), not as admin. */
    restricted?: boolean;
    /** More worker ports (e.g. `remoteIncludes` trusting the https stand-in). */
    ports?: Record<string, unknown>;
  } = {},
): Promise<Harness> {
  const gl = await startGitlabEmulator({ token: 'glpat-prewarm-test', projects, pipelineStepMs: 1, ...opts.gitlab });
  const fn = { name: '300000000000000077', token: 'prewarm-functions-token' };
  const kube = await startKubeEmulator({ eci: { readyAfterMs: 30, ...opts.eci, unpullable: opts.unpullable ?? [] }, users: [fn] });
  if (opts.restricted) grantFunctionsRole(kube, fn.name);
  kube.store.put(helmReleaseSecret('gitlab-runner', 'default', { image: 'gitlab/gitlab-runner:alpine-v13.0.0', runners: { config: SEED_RUNNER_TOML } }) as unknown as KubeObject);
  const mails: MailMessage[] = [];
  const mail: Mailer = { send: async (m) => (mails.push(m), { sent: true, envIds: ['env-1'], recipients: 1 }) };
  const config = loadConfig({ GITLAB_URL: gl.url, GITLAB_TOKEN: 'glpat-prewarm-test', IMAGECACHE_BASELINE: 'registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0', ...opts.env });
  const ports = {
    gitlab: createGitlabPort({ url: gl.url, token: 'glpat-prewarm-test', concurrency: 4, baseBackoffMs: 1 }),
    kube: createKubePort({ kubeconfigYaml: opts.restricted ? kube.kubeconfigFor(fn.token) : kube.kubeconfig, retryBaseMs: 1, timeoutMs: opts.kubeTimeoutMs ?? 5_000 }),
    mail,
    ...opts.ports,
  };
  const log = memoryLogger('warn');
  return {
    gl,
    kube,
    mails,
    prewarm: (params = {}, dryRun = false) =>
      handleWorker(Buffer.from(JSON.stringify({ action: 'prewarm', params, dryRun })), { requestId: 'e2e', function: { timeout: 60 } } as never, { config, log, clock: quickClock, ports }),
    request: (req, o = {}) => {
      const p = o.token ? { ...ports, gitlab: createGitlabPort({ url: gl.url, token: o.token, concurrency: 4, baseBackoffMs: 1 }) } : ports;
      const cfg = o.token ? loadConfig({ GITLAB_URL: gl.url, GITLAB_TOKEN: o.token, IMAGECACHE_BASELINE: 'registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0', ...opts.env }) : config;
      return handleWorker(Buffer.from(JSON.stringify(req)), { requestId: 'e2e', function: { timeout: 60 } } as never, { config: cfg, log, clock: quickClock, ports: p });
    },
    prewarmAs: (token, o = {}) => {
      const cfg = loadConfig({ GITLAB_URL: gl.url, GITLAB_TOKEN: token, IMAGECACHE_BASELINE: 'registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0', ...opts.env, ...o.env });
      const p = { ...ports, gitlab: createGitlabPort({ url: gl.url, token, concurrency: 4, baseBackoffMs: 1 }), ...(o.store ? { imageSetStore: o.store } : {}) };
      return handleWorker(Buffer.from(JSON.stringify({ action: 'prewarm', dryRun: o.dryRun ?? false })), { requestId: 'e2e', function: { timeout: 60 } } as never, { config: cfg, log, clock: quickClock, ports: p });
    },
    caches: () => ports.kube.listImageCaches(MANAGED_SELECTOR),
    close: async () => {
      await gl.close();
      await kube.close();
    },
  };
}
