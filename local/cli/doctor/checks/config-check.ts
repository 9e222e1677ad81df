import { failed, ok } from '#shared/checks/index';
import type { Env } from '#shared/config/index';
import type { DoctorCheck } from '../doctor-check';

/** Features that are all-or-nothing: half of their keys is a mistake, none of them is a choice. */
const FEATURES: Array<{ name: string; keys: Array<keyof Env>; on?: (e: Env) => boolean; what: (e: Env) => string }> = [
  { name: 'gitlab', keys: ['GITLAB_URL', 'GITLAB_TOKEN'], what: (e) => `gitlab ${e.GITLAB_URL}` },
  { name: 'backup', keys: ['BACKUP_INSTANCE_ID', 'OSS_BUCKET'], what: (e) => `backup ${e.BACKUP_INSTANCE_ID} → oss://${e.OSS_BUCKET}/${e.OSS_PREFIX}` },
  { name: 'mail', keys: ['MAIL_FROM', 'MAIL_TO'], on: (e) => e.MAIL_ENABLED, what: (e) => `mail ${e.MAIL_FROM} → ${e.MAIL_TO.join(', ')}` },
];
const set = (e: Env, k: keyof Env): boolean => {
  const v = e[k];
  return v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
};

/** The zone must exist for Intl (the schema checks only its shape, to keep Intl off the functions' cold start). */
function zoneProblem(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    return `TIMER_TZ ${zone} is not a time zone this Node knows (backup names would fail; FC's CRON_TZ would refuse it)`;
  }
}

/**
 * `config.valid`: the environment parses with the functions' own schema (shared/config/sections.ts) — the same
 * message the functions would die with — and no feature is half configured. Every other check needs it.
 */
export const configValid: DoctorCheck = (ctx) => ({
  id: 'config.valid',
  service: 'config',
  async run() {
    let env: Env;
    try {
      env = ctx.config().env;
    } catch (e) {
      return failed((e as Error).message, 'fix the keys named (README "Configuration"): the functions refuse to start with this configuration');
    }
    const problems: string[] = [];
    const missing: string[] = [];
    const configured: string[] = [];
    for (const f of FEATURES) {
      if (f.on && !f.on(env)) continue;
      const have = f.keys.filter((k) => set(env, k));
      if (have.length === f.keys.length) configured.push(f.what(env));
      else if (have.length > 0) {
        const lack = f.keys.filter((k) => !set(env, k));
        problems.push(`${f.name} is half configured: ${have.join(', ')} set, ${lack.join(', ')} not`);
        missing.push(...lack);
      }
    }
    if (env.ASK_CLUSTER_ID) configured.push(`cluster ASK ${env.ASK_CLUSTER_ID}`);
    else if (env.KUBE_CONFIG || env.KUBECONFIG_PATH) configured.push('cluster from a kubeconfig');
    if (env.FC_ACCOUNT_ID || env.FC_ENDPOINT) configured.push(`fc ${env.FC_ACCOUNT_ID ? `account ${env.FC_ACCOUNT_ID} ` : ''}${env.FC_REGION}`);
    const zone = zoneProblem(env.TIMER_TZ);
    if (zone) problems.push(zone);
    if (problems.length) return failed(problems.join('; '), missing.length ? `set ${missing.join(', ')} (or unset the others of that feature)` : 'set TIMER_TZ to an IANA zone such as Asia/Seoul');
    return ok(`valid for the functions' schema; TIMER_TZ ${env.TIMER_TZ}; configured: ${configured.join('; ') || 'nothing'}`);
  },
});
