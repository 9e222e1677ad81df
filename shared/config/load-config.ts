import { AppError } from '#shared/errors/index';
import { registerSecret } from '#shared/log/redact';
import { envSchema, SECRET_KEYS, type Env, type EnvKey } from './sections';

/** Parsed configuration. `env` is flat; secrets stay inside and are redacted by `toJSON`. */
export interface Config {
  readonly env: Env;
  toJSON(): Record<string, unknown>;
}

/**
 * Parse the environment once (module top level, cold start). Throws one CONFIG_INVALID error naming every bad key;
 * secret values never appear in it. Secrets are registered so logs and mails scrub them wherever they appear.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(raw: Record<string, string | undefined> = process.env): Config {
  const res = envSchema.safeParse(raw);
  if (!res.success) {
    const problems = res.error.issues.map((i) => {
      const key = String(i.path[0] ?? '?');
      const secret = (SECRET_KEYS as readonly string[]).includes(key);
      const got = raw[key];
      const shown = secret || got === undefined ? '' : ` (got ${JSON.stringify(got.length > 60 ? got.slice(0, 60) + '…' : got)})`;
      return `${key}: ${i.message}${shown}`;
    });
    throw new AppError('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`, {
      status: 500,
      details: { keys: res.error.issues.map((i) => String(i.path[0])) },
    });
  }
  const env = res.data;
  for (const k of SECRET_KEYS) registerSecret(env[k]);
  return {
    env,
    toJSON: () => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(env)) {
        out[k] = (SECRET_KEYS as readonly string[]).includes(k) ? (v ? '[set]' : '[unset]') : v;
      }
      return out;
    },
  };
}

/**
 * Assert that a feature's keys are set; one error lists all missing ones.
 * @example requireKeys(config, 'backup', ['BACKUP_INSTANCE_ID', 'OSS_BUCKET'])
 */
export function requireKeys(config: Config, feature: string, keys: readonly EnvKey[]): void {
  const missing = keys.filter((k) => {
    const v = config.env[k];
    return v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  });
  if (missing.length > 0) {
    throw new AppError('CONFIG_INVALID', `${feature} is not configured: set ${missing.join(', ')}`, {
      status: 500,
      details: { feature, missing },
    });
  }
}
