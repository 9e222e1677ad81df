import { resolve } from 'node:path';
import { loadConfig } from '#shared/config/index';
import { createGitlabPort } from '#shared/gitlab/api/index';
import { createKubePortFromConfig } from '#shared/kube/kube-port-from-config';
import { createLogger } from '#shared/log/index';
import { diskDesiredSource, gitlabDesiredSource, renderReportText, reconcileEnvOptions, reconcileStatus, runReconcile, type ReconcileReport } from '#shared/reconcile/index';
import { systemClock } from '#shared/runtime/clock';
import { str, type CliFlag, type ParsedArgs } from '../args';
import { defineCommand, type CliIo, type CommandSpec } from '../registry';
import type { TargetKind } from '../target';
import { credentialsFrom } from '#shared/runtime/credentials';

/**
 * Run one reconcile from the CLI against the target the dispatcher resolved (sandbox or shell, see local/cli/target.ts)
 * with the desired state from INFRA_PROJECT or `--infra DIR` (default `./infra`). Mail is never sent from the CLI:
 * the operator reads the output.
 */
export async function runReconcileCommand(args: ParsedArgs, io: CliIo, mode: 'plan' | 'apply'): Promise<{ code: number; report?: ReconcileReport }> {
  const infraDir = str(args, 'infra');
  const config = loadConfig(io.env);
  const e = config.env;
  const credentials = () => credentialsFrom(undefined, e);
  const log = createLogger({ level: 'error', sink: (l) => io.err(l) });
  const gitlab = e.INFRA_PROJECT && e.GITLAB_URL && e.GITLAB_TOKEN ? createGitlabPort({ url: e.GITLAB_URL, token: e.GITLAB_TOKEN, log }) : undefined;
  const source = gitlab && e.INFRA_PROJECT && !infraDir ? gitlabDesiredSource(gitlab, e.INFRA_PROJECT, e.INFRA_REF, e.INFRA_PATH) : diskDesiredSource(resolve(io.cwd, infraDir ?? 'infra'));
  const { report } = await runReconcile(
    { kube: createKubePortFromConfig({ config, credentials }), ...(gitlab ? { gitlab } : {}), log, clock: systemClock },
    { ...reconcileEnvOptions(e), source, dryRun: mode === 'plan', apply: mode === 'apply' },
  );
  io.out(args.flags.json ? JSON.stringify(report, null, 2) : renderReportText(report));
  return { code: reconcileExitCode(report, mode, args.flags['detailed-exitcode'] === true), report };
}

/**
 * Exit code of `plan` / `apply`. `plan --detailed-exitcode` answers as `terraform plan` does: 0 no drift, 2 drift,
 * 1 error — and a run that could not see or do its work (a refused read or step: status `failed`) is an error, not
 * drift. `apply`: 0 in sync after the run, 1 otherwise. Plain `plan`: 0.
 */
export function reconcileExitCode(report: ReconcileReport, mode: 'plan' | 'apply', detailed: boolean): number {
  if (mode === 'apply') return report.drift || reconcileStatus(report) === 'failed' ? 1 : 0;
  if (!detailed) return 0;
  return reconcileStatus(report) === 'failed' ? 1 : report.drift ? 2 : 0;
}

const FLAGS: CliFlag[] = [
  { name: '--json', summary: 'print the report as JSON' },
  { name: '--infra', value: 'DIR', summary: 'desired state from this directory (default: INFRA_PROJECT in GitLab, else ./infra)' },
];

/** GitLab is a target only when the desired state comes from INFRA_PROJECT (and no --infra). */
const targets = (a: ParsedArgs, env: Record<string, string | undefined>): TargetKind[] => (env.INFRA_PROJECT && env.GITLAB_URL && !a.flags.infra ? ['gitlab', 'cluster'] : ['cluster']);

/** The shared declaration of plan and apply (they differ in mode, summary and exit codes). */
export function reconcileSpec(mode: 'plan' | 'apply'): CommandSpec {
  return {
    name: mode,
    summary: mode === 'plan' ? 'show PV/PVC and Helm release drift against infra/ (no changes)' : 'apply the safe reconcile steps; exit 1 if drift remains',
    flags: mode === 'plan' ? [...FLAGS, { name: '--detailed-exitcode', summary: 'exit 0 no drift, 2 drift, 1 error (as terraform plan)' }] : FLAGS,
    targets,
    ...(mode === 'plan' ? { usageExitCode: (a: ParsedArgs) => (a.flags['detailed-exitcode'] ? 1 : 2) } : {}),
    details: mode === 'plan' ? 'exit: 0 (drift or not), 2 usage error; with --detailed-exitcode: 0 no drift, 2 drift, 1 error.' : 'exit: 0 in sync after the run, 1 drift remains or error, 2 usage error.',
    run: async ({ args, io }) => (await runReconcileCommand(args, io, mode)).code,
  };
}

/** `plan [--json] [--infra DIR] [--detailed-exitcode]` — what reconcile would do, printed like `helmfile diff`. */
export const planCommand = defineCommand(reconcileSpec('plan'));
