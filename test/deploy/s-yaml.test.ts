import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMER_TZ, envSchema } from '#shared/config/sections';
import { actionNames } from '../../functions/ops-worker/actions/index';
import { listFunctions } from '../../scripts/build';
import { envRef, loadSYaml, splitCron, withEnvDefaults, type FunctionProps } from './s-yaml';

// Rules from the fc3 schema (https://github.com/devsapp/fc3/blob/6b24adc7/src/schema.json) and FC limits: timers
// https://www.alibabacloud.com/help/en/functioncompute/fc/user-guide/time-triggers,
// env https://www.alibabacloud.com/help/en/functioncompute/fc/environment-variables, async retries
// https://www.alibabacloud.com/help/en/functioncompute/fc/error-handling-1-2.
const RUNTIMES = ['nodejs20', 'nodejs18', 'nodejs16', 'nodejs14', 'python3.10', 'python3.9', 'go1', 'java11', 'custom', 'custom.debian10', 'custom.debian11', 'custom.debian12', 'custom-container'];
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'];
/** Config keys a deployment does not set in s.yaml, and why. */
const NOT_DEPLOYED: Record<string, string> = {
  FC_REGION: 'FC system variable',
  FC_ACCOUNT_ID: 'FC system variable',
  FC_ENDPOINT: 'sandbox only; FC_ prefix is reserved',
  FC_INTERNAL: 'default true is right inside FC; FC_ prefix is reserved',
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'FC system variable (role STS keys)',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'FC system variable (role STS keys)',
  ALIBABA_CLOUD_SECURITY_TOKEN: 'FC system variable (role STS keys)',
  KUBE_CONFIG: 'too big for the 4 KB env limit; ASK_CLUSTER_ID + CS kubeconfig instead',
  KUBECONFIG_PATH: 'local runs only',
  GITLAB_ADMIN_TOKEN: 'ops doctor only (an admin token the functions must never hold)',
};
/** Extra variables for the runtime itself, not part of our config schema. */
const RUNTIME_ENV = ['NODE_OPTIONS'];

const s = loadSYaml();
const fns = Object.entries(s.resources).map(([name, r]) => ({ name, component: r.component, props: r.props }));
const triggersOf = (p: FunctionProps, type: string) => (p.triggers ?? []).filter((t) => t.triggerType === type);

describe('s.yaml (fc3)', () => {
  it('is edition 3.0.0 with fc3 resources for both functions', () => {
    expect(s.edition).toBe('3.0.0');
    expect(fns.map((f) => f.props.functionName).sort()).toEqual(['gitlab-webhook', 'ops-worker']);
    for (const f of fns) expect(f.component).toBe('fc3');
  });

  it.each(fns)('$name has the required props, a known runtime and index.handler', ({ props }) => {
    for (const k of ['region', 'functionName', 'runtime', 'code', 'handler'] as const) expect(props[k], k).toBeTruthy();
    expect(RUNTIMES).toContain(props.runtime);
    expect(props.runtime).toBe('nodejs20');
    expect(props.handler).toBe('index.handler');
  });

  it.each(fns)('$name memory and timeout are within FC limits', ({ props }) => {
    expect(props.memorySize! % 64).toBe(0);
    expect(props.memorySize).toBeGreaterThanOrEqual(128);
    expect(props.memorySize).toBeLessThanOrEqual(32768);
    expect(Number.isInteger(props.timeout)).toBe(true);
    expect(props.timeout).toBeGreaterThanOrEqual(1);
    expect(props.timeout).toBeLessThanOrEqual(86400);
  });

  it.each(fns)('$name asyncInvokeConfig is within range', ({ props }) => {
    const a = props.asyncInvokeConfig!;
    expect(typeof a.asyncTask).toBe('boolean');
    expect(Number.isInteger(a.maxAsyncRetryAttempts) && (a.maxAsyncRetryAttempts as number) >= 0 && (a.maxAsyncRetryAttempts as number) <= 8).toBe(true);
    const age = a.maxAsyncEventAgeInSeconds as number;
    expect(Number.isInteger(age) && age >= 1 && age <= 2_592_000).toBe(true);
  });

  it('webhook is HTTP only and never retried by FC; worker uses task mode (x-fc-async-task-id) with retries', () => {
    const web = s.resources['gitlab-webhook']!.props;
    const worker = s.resources['ops-worker']!.props;
    expect(web.asyncInvokeConfig).toMatchObject({ asyncTask: false, maxAsyncRetryAttempts: 0 });
    expect(worker.asyncInvokeConfig).toMatchObject({ asyncTask: true });
    expect(worker.asyncInvokeConfig!.maxAsyncRetryAttempts).toBeGreaterThan(0);
    expect(triggersOf(web, 'http')).toHaveLength(1);
    expect(triggersOf(worker, 'http')).toHaveLength(0);
    // The backup polls for hours: the worker's timeout must cover BACKUP_TIMEOUT_SECONDS' default.
    expect(worker.timeout).toBeGreaterThan(4 * 3600);
  });

  it('the http trigger is anonymous POST (GitLab cannot sign FC requests)', () => {
    for (const f of fns) {
      for (const t of triggersOf(f.props, 'http')) {
        expect(['anonymous', 'function', 'jwt']).toContain(t.triggerConfig.authType);
        const methods = t.triggerConfig.methods as string[];
        expect(methods.length).toBeGreaterThan(0);
        for (const m of methods) expect(HTTP_METHODS).toContain(m);
        expect(t.triggerConfig).toMatchObject({ authType: 'anonymous', methods: ['POST'] });
      }
    }
  });

  const timers = fns.flatMap((f) => triggersOf(f.props, 'timer').map((t) => ({ fn: f.name, ...t })));
  it.each(timers)('timer $triggerName: 6-field cron, enabled, payload names a registered action', (t) => {
    const cfg = t.triggerConfig;
    expect(typeof cfg.enable).toBe('boolean');
    const { timezone, fields } = splitCron(withEnvDefaults(String(cfg.cronExpression)));
    expect(fields).toHaveLength(6);
    // croner parses 6-field (seconds first) patterns and rejects out-of-range values.
    expect(() => new Cron(fields.join(' '), { paused: true, ...(timezone ? { timezone } : {}) })).not.toThrow();
    expect(typeof cfg.payload).toBe('string');
    const payload = JSON.parse(cfg.payload as string) as { action?: string };
    expect(actionNames()).toContain(payload.action);
  });

  it('has the nightly backup at 03:00 TIMER_TZ (default Asia/Seoul) and timers for watchdog, reconcile and prewarm', () => {
    const byAction = new Map(timers.map((t) => [(JSON.parse(t.triggerConfig.payload as string) as { action: string }).action, t]));
    expect([...byAction.keys()].sort()).toEqual(['backup', 'prewarm', 'reconcile', 'restore-drill', 'watchdog']);
    // The restore drill: monthly (day 1 at 05:00) in TIMER_TZ, the schedule itself from DRILL_SCHEDULE at deploy time.
    const drillCron = String(byAction.get('restore-drill')!.triggerConfig.cronExpression);
    expect(drillCron).toBe("CRON_TZ=${env('TIMER_TZ', 'Asia/Seoul')} ${env('DRILL_SCHEDULE', '0 0 5 1 * *')}");
    expect(withEnvDefaults(drillCron, { DRILL_SCHEDULE: '0 30 2 15 * *', TIMER_TZ: 'UTC' })).toBe('CRON_TZ=UTC 0 30 2 15 * *');
    const drillNext = new Cron('0 0 5 1 * *', { timezone: 'Asia/Seoul', paused: true }).nextRun(new Date('2026-11-27T00:00:00Z'));
    expect(drillNext?.toISOString()).toBe('2026-11-30T20:00:00.000Z');
    const backupCron = String(byAction.get('backup')!.triggerConfig.cronExpression);
    expect(backupCron).toBe("CRON_TZ=${env('TIMER_TZ', 'Asia/Seoul')} 0 0 3 * * *");
    expect(withEnvDefaults(backupCron, { TIMER_TZ: 'Europe/Berlin' })).toBe('CRON_TZ=Europe/Berlin 0 0 3 * * *');
    // One key: the daily timers' zone, the worker's TIMER_TZ (backup names) and the schema default agree.
    for (const a of ['backup', 'watchdog', 'prewarm', 'restore-drill']) expect(splitCron(withEnvDefaults(String(byAction.get(a)!.triggerConfig.cronExpression))).timezone, a).toBe(DEFAULT_TIMER_TZ);
    expect(envRef(s.resources['ops-worker']!.props.environmentVariables?.TIMER_TZ)).toEqual({ key: 'TIMER_TZ', def: DEFAULT_TIMER_TZ });
    const next = new Cron('0 0 3 * * *', { timezone: 'Asia/Seoul', paused: true }).nextRun(new Date('2026-11-27T00:00:00Z'));
    expect(next?.toISOString()).toBe('2026-11-27T18:00:00.000Z');
    for (const t of timers) expect(t.fn).toBe('ops-worker');
  });

  it.each(fns)('$name env keys are legal, come from ${env()}, and fit the 4 KB limit', ({ props }) => {
    const env = props.environmentVariables ?? {};
    let bytes = 0;
    for (const [k, v] of Object.entries(env)) {
      expect(k).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
      expect(k.startsWith('FC_'), `${k}: FC_ is reserved`).toBe(false);
      const ref = envRef(v);
      if (!RUNTIME_ENV.includes(k)) expect(ref?.key, `${k} should be \${env('${k}')}`).toBe(k);
      // Unknown deploy-time values (secrets, URLs, ids) are budgeted at 128 bytes each.
      bytes += k.length + 1 + (ref ? (ref.def === undefined ? 128 : ref.def.length) : String(v).length);
    }
    expect(bytes).toBeLessThanOrEqual(4096);
  });

  it('sets every config key a deployment needs, and nothing that is not a config key', () => {
    const schemaKeys = Object.keys(envSchema.shape);
    const deployed = new Set(fns.flatMap((f) => Object.keys(f.props.environmentVariables ?? {})));
    const missing = schemaKeys.filter((k) => !deployed.has(k) && !(k in NOT_DEPLOYED));
    expect(missing, 'add these to s.yaml (or to NOT_DEPLOYED with a reason)').toEqual([]);
    const unknown = [...deployed].filter((k) => !schemaKeys.includes(k) && !RUNTIME_ENV.includes(k));
    expect(unknown, 'typo or key missing from shared/config/sections.ts').toEqual([]);
    // Secrets the webhook does not need stay out of it (least exposure).
    expect(Object.keys(s.resources['gitlab-webhook']!.props.environmentVariables ?? {})).not.toContain('GITLAB_TOKEN');
  });

  it('every code: path is a build output ./dist/<fn> of scripts/build.ts', () => {
    const built = listFunctions();
    for (const f of fns) {
      expect(f.props.code).toBe(`./dist/${f.props.functionName}`);
      expect(built, `functions/${f.props.functionName}/handler.ts`).toContain(f.props.functionName);
    }
  });
});
