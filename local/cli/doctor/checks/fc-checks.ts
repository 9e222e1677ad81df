import { failed, ok, skipped, type CheckOutcome } from '#shared/checks/index';
import type { FunctionSpec } from '#local/runtime/s-yaml';
import type { DoctorContext } from '../context';
import { doctorCheck, gates } from '../doctor-check';
import { FcReadError, type FcReader } from '../../ops/fc-reader';
import { webhookUrls } from './hook-checks';

const DEPLOY_FIX = 'deploy again from this repository: npm run build && s deploy -y (docs/deploy.md §4)';
const roleName = (arn: unknown): string => String(arn ?? '').replace(/^acs:ram::[^:]*:role\//i, '').toLowerCase();

/** Run `judge` per s.yaml function; FC's refusals (403) become one failure naming the action to grant. */
async function perFunction(ctx: DoctorContext, judge: (fc: FcReader, f: FunctionSpec) => Promise<{ problems: string[]; seen: string }>, ok_: (seen: string[]) => string): Promise<CheckOutcome> {
  const fc = ctx.fc()!;
  const problems: string[] = [];
  const seen: string[] = [];
  for (const f of await ctx.functions()) {
    try {
      const r = await judge(fc, f);
      problems.push(...r.problems);
      seen.push(r.seen);
    } catch (e) {
      if (e instanceof FcReadError && e.status === 404 && e.code === 'FunctionNotFound') problems.push(`${f.functionName} is not deployed`);
      else if (e instanceof FcReadError && e.status === 403) return failed(`FC refuses to describe ${f.functionName}: ${e.message}`, 'grant the RAM identity running doctor fc:GetFunction, fc:GetFunctionAsyncInvokeConfig and fc:ListTriggers (npm run -s ops -- policy --operator)');
      else throw e;
    }
  }
  return problems.length ? failed(problems.join('; '), DEPLOY_FIX) : ok(ok_(seen));
}

/** `fc.functions`: every s.yaml function is deployed with its runtime, handler and role, and is not Failed. */
export const fcFunctions = doctorCheck({
  id: 'fc.functions',
  service: 'fc',
  gate: gates.fc,
  run: (ctx) =>
    perFunction(ctx, async (fc, f) => {
      const d = await fc.getFunction(f.functionName);
      const p: string[] = [];
      const name = f.functionName;
      if (f.runtime && d.runtime !== f.runtime) p.push(`${name} runs ${String(d.runtime)}, s.yaml says ${f.runtime}`);
      if (d.handler !== f.handler) p.push(`${name} has handler ${String(d.handler)}, s.yaml says ${f.handler}`);
      if (d.state === 'Failed') p.push(`${name} is in state Failed${d.stateReason ? ` (${String(d.stateReason)})` : ''}`);
      if (!d.role) p.push(`${name} has no role: FC gives it no STS keys`);
      else if (f.role && roleName(d.role) !== roleName(f.role)) p.push(`${name} runs as role ${roleName(d.role)}, s.yaml says ${roleName(f.role)}`);
      const vars = (d.environmentVariables ?? {}) as Record<string, string>;
      if (name === 'gitlab-webhook' && !vars.WEBHOOK_SECRET) p.push(`${name} has no WEBHOOK_SECRET: every delivery gets 401`);
      if (f.logConfig && !d.logConfig) p.push(`${name} has no logConfig: s logs finds nothing`);
      const logs = d.logConfig as { project?: string; logstore?: string } | undefined;
      return { problems: p, seen: `${name} (${String(d.runtime)}, role ${roleName(d.role)}${logs?.project ? `, logs ${logs.project}/${logs.logstore}` : ''}, ${String(d.state ?? 'state unknown')})` };
    }, (seen) => `deployed as s.yaml declares: ${seen.join('; ')}`),
});

/** `fc.async-config`: the deployed async config equals s.yaml's (task mode on the worker: the webhook's task ids need it). */
export const fcAsyncConfig = doctorCheck({
  id: 'fc.async-config',
  service: 'fc',
  gate: gates.fc,
  run: (ctx) =>
    perFunction(ctx, async (fc, f) => {
      const want = f.asyncInvokeConfig;
      if (!want) return { problems: [], seen: `${f.functionName} (none declared)` };
      const got = await fc.getAsyncInvokeConfig(f.functionName);
      if (!got) return { problems: [`${f.functionName} has no async invoke config (s.yaml declares one)`], seen: '' };
      const p = (['asyncTask', 'maxAsyncRetryAttempts', 'maxAsyncEventAgeInSeconds'] as const)
        .filter((k) => want[k] !== undefined && got[k] !== want[k])
        .map((k) => `${f.functionName} ${k} is ${String(got[k])}, s.yaml says ${String(want[k])}${k === 'asyncTask' && want[k] ? ' (x-fc-async-task-id needs task mode: hand-offs fail)' : ''}`);
      return { problems: p, seen: `${f.functionName} asyncTask ${String(got.asyncTask)}, ${String(got.maxAsyncRetryAttempts)} retries, max age ${String(got.maxAsyncEventAgeInSeconds)} s` };
    }, (seen) => seen.join('; ')),
});

/** `fc.triggers`: every s.yaml trigger exists with its type; timers with s.yaml's cron (in TIMER_TZ) and enable flag. */
export const fcTriggers = doctorCheck({
  id: 'fc.triggers',
  service: 'fc',
  gate: gates.fc,
  run: (ctx) =>
    perFunction(ctx, async (fc, f) => {
      const got = await fc.listTriggers(f.functionName);
      const p: string[] = [];
      for (const t of f.triggers) {
        const d = got.find((x) => x.triggerName === t.triggerName);
        if (!d) p.push(`${f.functionName} has no trigger ${t.triggerName}`);
        else if (d.triggerType !== t.triggerType) p.push(`${f.functionName}/${t.triggerName} is ${d.triggerType}, s.yaml says ${t.triggerType}`);
        else if (t.triggerType === 'timer') {
          if (d.config?.cronExpression !== t.triggerConfig.cronExpression) p.push(`${f.functionName}/${t.triggerName} fires on "${String(d.config?.cronExpression)}", s.yaml says "${String(t.triggerConfig.cronExpression)}" (TIMER_TZ?)`);
          if ((d.config?.enable !== false) !== (t.triggerConfig.enable !== false)) p.push(`${f.functionName}/${t.triggerName} is ${d.config?.enable === false ? 'disabled' : 'enabled'} in FC`);
        } else if (t.triggerType === 'http' && !d.urlInternet && !d.urlIntranet) p.push(`${f.functionName}/${t.triggerName} has no URL`);
      }
      const names = got.map((t) => (t.triggerType === 'http' ? `${t.triggerName} ${t.urlInternet ?? t.urlIntranet}` : `${t.triggerName} "${String(t.config?.cronExpression)}"`));
      return { problems: p, seen: `${f.functionName}: ${names.join(', ') || 'none'}` };
    }, (seen) => seen.join('; ')),
});

/**
 * `fc.webhook`: the webhook answers a delivery without X-Gitlab-Token with 401 — the function runs and checks the
 * secret before reading anything (functions/gitlab-webhook/check-delivery.ts). Nothing is queued or changed.
 */
export const fcWebhook = doctorCheck({
  id: 'fc.webhook',
  service: 'fc',
  gate: gates.fc,
  async run(ctx) {
    let url: string;
    try {
      url = (await webhookUrls(ctx))[0]!;
    } catch (e) {
      return skipped(`the webhook trigger URL is unknown: ${(e as Error).message}`);
    }
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gitlab-event': 'System Hook' }, body: '{}', signal: AbortSignal.timeout(10_000) });
      await res.body?.cancel();
    } catch (e) {
      return failed(`POST ${url} got no answer: ${(e as Error).message}`, 'check that the HTTP trigger allows internet access (disableURLInternet: false) and that GitLab reaches *.fcapp.run');
    }
    if (res.status === 401) return ok(`${url} answers 401 to a delivery without X-Gitlab-Token: the function runs and checks the secret`);
    return failed(`POST ${url} without a token answered ${res.status}, not 401`, 'look at the function\'s logs (s gitlab-webhook logs --tail): a 5xx is a failing cold start (config), a 404 a wrong URL');
  },
});
