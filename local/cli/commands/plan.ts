import { join, resolve } from 'node:path';
import { loadConfig } from '#shared/config/index';
import { createGitlabPort } from '#shared/gitlab/api/index';
import { createKubePortFromConfig } from '#shared/kube/kube-port-from-config';
import { createLogger } from '#shared/log/index';
import { diskDesiredSource, gitlabDesiredSource, renderReportText, reconcileEnvOptions, runReconcile, type ReconcileReport } from '#shared/reconcile/index';
import { systemClock } from '#shared/runtime/clock';
import type { CliCommand, CliIo } from './index';
import { invokeEnv } from './invoke';

/**
 * Run one reconcile from the CLI against the configured cluster — `.sandbox/env` (the running `npm start`) unless the
 * shell names a real target — with the desired state from INFRA_PROJECT or `--infra DIR` (default `./infra`).
 * Mail is never sent from the CLI: the operator reads the output.
 */
export async function runReconcileCommand(args: string[], io: CliIo, mode: 'plan' | 'apply'): Promise<{ code: number; report?: ReconcileReport }> {
  const json = args.includes('--json');
  const at = args.indexOf('--infra');
  const infraDir = at >= 0 ? args[at + 1] : undefined;
  const unknown = args.filter((a, i) => a.startsWith('-') && a !== '--json' && a !== '--infra' && args[i - 1] !== '--infra');
  if (unknown.length || (at >= 0 && !infraDir)) {
    io.err(`usage: npm run -s ops -- ${mode} [--json] [--infra DIR]`);
    return { code: 2 };
  }
  const { env } = invokeEnv(io.env, join(io.cwd, '.sandbox', 'env'), 'auto');
  const config = loadConfig(env);
  const e = config.env;
  const credentials = () =>
    e.ALIBABA_CLOUD_ACCESS_KEY_ID && e.ALIBABA_CLOUD_ACCESS_KEY_SECRET
      ? { accessKeyId: e.ALIBABA_CLOUD_ACCESS_KEY_ID, accessKeySecret: e.ALIBABA_CLOUD_ACCESS_KEY_SECRET, ...(e.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: e.ALIBABA_CLOUD_SECURITY_TOKEN } : {}) }
      : undefined;
  const log = createLogger({ level: 'error', sink: (l) => io.err(l) });
  const gitlab = e.INFRA_PROJECT && e.GITLAB_URL && e.GITLAB_TOKEN ? createGitlabPort({ url: e.GITLAB_URL, token: e.GITLAB_TOKEN, log }) : undefined;
  const source = gitlab && e.INFRA_PROJECT && !infraDir ? gitlabDesiredSource(gitlab, e.INFRA_PROJECT, e.INFRA_REF, e.INFRA_PATH) : diskDesiredSource(resolve(io.cwd, infraDir ?? 'infra'));
  const { report } = await runReconcile(
    { kube: createKubePortFromConfig({ config, credentials }), ...(gitlab ? { gitlab } : {}), log, clock: systemClock },
    {
      ...reconcileEnvOptions(e),
      source,
      dryRun: mode === 'plan',
      apply: mode === 'apply',
    },
  );
  io.out(json ? JSON.stringify(report, null, 2) : renderReportText(report));
  return { code: mode === 'apply' && report.drift ? 1 : 0, report };
}

/** `plan [--json] [--infra DIR]` — what reconcile would do, printed like `helmfile diff`; changes nothing. */
export const planCommand: CliCommand = {
  name: 'plan',
  usage: 'plan [--json] [--infra DIR]',
  summary: 'show PV/PVC and Helm release drift against infra/ (no changes)',
  run: async (args, io) => (await runReconcileCommand(args, io, 'plan')).code,
};
