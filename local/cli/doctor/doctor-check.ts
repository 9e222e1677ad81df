import { skipped, type Check, type CheckOutcome } from '#shared/checks/index';
import type { Env } from '#shared/config/index';
import type { DoctorContext } from './context';

/** A row of the doctor's table: builds its Check for this run (nothing is called until the check runs). */
export type DoctorCheck = (ctx: DoctorContext) => Check;

/** A reason to skip when a feature is not configured (undefined: it is). */
export type Gate = (env: Env) => string | undefined;

export const gates = {
  gitlab: (e: Env) => (e.GITLAB_URL && e.GITLAB_TOKEN ? undefined : 'GitLab is not configured (GITLAB_URL, GITLAB_TOKEN)'),
  fc: (e: Env) => (e.FC_ACCOUNT_ID || e.FC_ENDPOINT ? undefined : 'FC is not named: set FC_ACCOUNT_ID (and FC_REGION) to check the deployed functions'),
  instance: (e: Env) => (e.BACKUP_INSTANCE_ID ? undefined : 'backup is not configured (BACKUP_INSTANCE_ID)'),
  bucket: (e: Env) => (e.OSS_BUCKET ? undefined : 'backup is not configured (OSS_BUCKET)'),
  mail: (e: Env) => (e.MAIL_ENABLED ? undefined : 'mail is off (MAIL_ENABLED=false)'),
  cluster: (e: Env) => (e.ASK_CLUSTER_ID || e.KUBE_CONFIG || e.KUBECONFIG_PATH ? undefined : 'no cluster is configured (ASK_CLUSTER_ID, KUBE_CONFIG or KUBECONFIG_PATH)'),
} satisfies Record<string, Gate>;

/**
 * A doctor check: it needs `config.valid` (and `needs`), is skipped with the gate's reason when its feature is not
 * configured, and otherwise runs `run` — read-only, like every doctor check.
 */
export function doctorCheck(o: { id: string; service: string; needs?: string[]; gate?: Gate; run: (ctx: DoctorContext) => Promise<CheckOutcome> }): DoctorCheck {
  return (ctx) => ({
    id: o.id,
    service: o.service,
    needs: ['config.valid', ...(o.needs ?? [])],
    async run() {
      const why = o.gate?.(ctx.config().env);
      return why ? skipped(why) : o.run(ctx);
    },
  });
}

/** Reuse a check built elsewhere (the backup preflight's): constructed with this run's ports when it runs. */
export function reuse(id: string, service: string, o: { needs?: string[]; gate?: Gate; build: (ctx: DoctorContext) => Check }): DoctorCheck {
  return doctorCheck({ id, service, ...(o.needs ? { needs: o.needs } : {}), ...(o.gate ? { gate: o.gate } : {}), run: (ctx) => o.build(ctx).run() });
}
