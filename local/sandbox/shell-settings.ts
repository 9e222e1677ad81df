import { envSchema } from '#shared/config/sections';
import { isTargetScoped } from '#local/cli/target';

/**
 * The shell's settings `npm start` hands to the sandbox's functions, the way `s deploy` resolves s.yaml's
 * `${env('KEY', default)}` from the deploying shell: every configuration key the shell sets, except targets, endpoints,
 * regions and secrets — those stay the sandbox's own, so a shell holding production values never points the sandbox at
 * production (nor a real DingTalk or Slack). So `BACKUP_TIMEOUT_SECONDS=600 npm start` rehearses a hang in minutes.
 */
export function shellSettings(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(envSchema.shape)) {
    const v = env[k];
    if (v !== undefined && v.trim() !== '' && !isTargetScoped(k)) out[k] = v;
  }
  return out;
}
