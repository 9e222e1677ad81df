import { fileURLToPath } from 'node:url';
import type { FcCredential } from '#local/fc/fc-auth';
import { sandboxCredentials, startLocalRuntime, type LocalRuntime } from '#local/runtime/local-runtime';
import { dingtalkSandboxPart } from '#local/dingtalk/sandbox-part';
import { ecsSandboxPart } from '#local/ecs/sandbox-part';
import { ossSandboxPart } from '#local/oss/sandbox-part';
import { fcFaults } from './fc-faults';
import { startIndexPage } from './index-page';
import { FaultRegistry, type NamedFault } from './named-faults';
import { csPart } from './parts/cs-part';
import { gitlabPart } from './parts/gitlab-part';
import { kubePart } from './parts/kube-part';
import { mailSandboxPart } from './parts/mail-part';
import { seedPart } from './parts/seed-part';
import { slackSandboxPart } from '#local/slack/sandbox-part';
import type { EmuDatabase } from '#local/ecs/emu-database';
import type { RestoreFailPoint } from '#local/ecs/host-faults-types';

/** What every sandbox part gets: the shared STS keys (all emulators accept them), account, region, state dir. */
export interface SandboxContext {
  credentials: Required<FcCredential>;
  accountId: string;
  region: string;
  /** Where a part may write files (kubeconfig, outbox pages); `.sandbox/` under `npm start`. */
  stateDir: string;
  /** Env reported by the parts started before this one (e.g. the CS part reads the Kubernetes emulator's kubeconfig). */
  env?: Record<string, string>;
  /** In-process handles the parts share (one object for the whole sandbox; read them lazily: later parts set them). */
  links?: SandboxLinks;
}

/**
 * What one part hands another inside the sandbox process: the GitLab emulator's database, which the ECS host dumps
 * into its backups (so a drill counts what the API shows), and the faults every emulated GitLab acts on — the ECS
 * host's restore and the drill pods the kube part runs (`restore-fails`, `version-mismatch`).
 */
export interface SandboxLinks {
  gitlabDatabase?: () => EmuDatabase;
  gitlabFaults?: { restoreFails?: RestoreFailPoint; versionShift?: boolean; used?: () => void };
}

/** A started emulator: env for the functions (endpoints, paths), URLs to print, and how to stop it. */
export interface SandboxPartHandle {
  env?: Record<string, string>;
  /** For the CLI only (`.sandbox/env`), never the functions: e.g. the GitLab admin token `ops doctor` reads hooks with. */
  cliEnv?: Record<string, string>;
  urls?: Record<string, string>;
  /**
   * Runs once the local FC runtime is up, with the sandbox's URLs and function env: for what needs the trigger URLs
   * (the GitLab part registers its hooks at `urls['gitlab-webhook']`, whose port is random under tests).
   */
  afterStart?(sandbox: Pick<Sandbox, 'urls' | 'env'>): Promise<void>;
  /** Failures this part can rehearse (`sandbox fault <name>`), acting inside its emulator. */
  faults?: NamedFault[];
  close(): Promise<void>;
}

/** One emulator (or seeding step) of the sandbox; each lives in local/sandbox/parts/ and is listed in `sandboxParts`. */
export interface SandboxPart {
  name: string;
  start(ctx: SandboxContext): Promise<SandboxPartHandle>;
}

/**
 * Emulators started before the local FC runtime, in order (a part sees the env of those before it); their env
 * reaches the functions. One line each: kube → cs → gitlab → directmail → dingtalk → slack → oss → ecs → seeds.
 */
export const sandboxParts: SandboxPart[] = [
  kubePart,
  csPart,
  gitlabPart,
  mailSandboxPart,
  dingtalkSandboxPart,
  slackSandboxPart,
  ossSandboxPart,
  ecsSandboxPart,
  seedPart,
];

export interface BootOptions {
  /** Default: `<repo>/s.yaml`. */
  sYamlPath?: string;
  /** HTTP trigger port (default 9000, 0 = random). */
  port?: number;
  timers?: boolean;
  /** Extra env for the functions (WEBHOOK_SECRET, LOG_LEVEL, ...); wins over s.yaml, loses to emulator endpoints. */
  env?: Record<string, string>;
  stateDir?: string;
  accountId?: string;
  region?: string;
  /** Default: `sandboxParts`. */
  parts?: SandboxPart[];
  functionDirs?: Record<string, string>;
  retryBaseMs?: number;
}

export interface Sandbox {
  /** The env the functions run with (includes the sandbox STS keys: sandbox-only values). */
  env: Record<string, string>;
  /** Extra env for the CLI only (the parts' `cliEnv`); `npm start` writes it to `.sandbox/env` with `env`. */
  cliEnv: Record<string, string>;
  /** `runtime`, `fc`, one per HTTP trigger (`gitlab-webhook`, ...), plus whatever the parts report. */
  urls: Record<string, string>;
  runtime: LocalRuntime;
  context: SandboxContext;
  /** Every part's named faults (and the FC API's); also served by the index page at /faults. */
  faults: FaultRegistry;
  close(): Promise<void>;
}

const REPO_S_YAML = fileURLToPath(new URL('../../s.yaml', import.meta.url));

/**
 * Boot the offline sandbox: each part, then the local FC runtime (FC API emulator included) wired to them.
 * If anything fails to start, what did start is closed again.
 *
 * @example
 * const sb = await bootSandbox({ port: 0, env: { WEBHOOK_SECRET: 's' } });
 * await fetch(sb.urls['gitlab-webhook'], { method: 'POST', ... });
 */
export async function bootSandbox(opts: BootOptions = {}): Promise<Sandbox> {
  const c = sandboxCredentials();
  const context: SandboxContext = {
    credentials: { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken ?? '' },
    accountId: opts.accountId ?? '1234567890123456',
    region: opts.region ?? 'ap-northeast-2',
    stateDir: opts.stateDir ?? '.sandbox',
    links: {},
  };
  const started: Array<{ name: string; h: SandboxPartHandle }> = [];
  const closeAll = async (): Promise<void> => {
    // Reverse order: later parts may depend on earlier ones.
    for (const { h } of started.reverse()) await h.close().catch(() => undefined); // best effort: keep closing the rest
  };
  try {
    const partEnv: Record<string, string> = {};
    for (const part of opts.parts ?? sandboxParts) {
      const h = await part.start({ ...context, env: { ...partEnv } });
      started.push({ name: part.name, h });
      Object.assign(partEnv, h.env ?? {});
    }
    const runtime = await startLocalRuntime({
      sYamlPath: opts.sYamlPath ?? REPO_S_YAML,
      port: opts.port ?? 9000,
      timers: opts.timers ?? false,
      env: { ...opts.env, ...partEnv },
      accountId: context.accountId,
      credentials: context.credentials,
      ...(opts.functionDirs ? { functionDirs: opts.functionDirs } : {}),
      ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}),
    });
    started.push({ name: 'runtime', h: { close: () => runtime.close() } });
    const triggers = runtime.functions.filter((f) => f.triggers.some((t) => t.triggerType === 'http'));
    const urls: Record<string, string> = Object.assign(
      { runtime: runtime.url, fc: runtime.fcUrl },
      ...started.map((s) => s.h.urls ?? {}),
      ...triggers.map((f) => ({ [f.functionName]: `${runtime.url}/${f.functionName}` })),
    );
    for (const { h } of started) await h.afterStart?.({ urls, env: runtime.env });
    const faults = new FaultRegistry([...started.flatMap((s) => s.h.faults ?? []), ...fcFaults(runtime.fc.faults)]);
    const index = await startIndexPage({ urls, env: runtime.env, runtime, faults });
    started.push({ name: 'index', h: index });
    urls.index = index.url;
    const cliEnv: Record<string, string> = Object.assign({}, ...started.map((x) => x.h.cliEnv ?? {}));
    return { env: runtime.env, cliEnv, urls, runtime, context, faults, close: closeAll };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
