import type { Env } from '#shared/config/index';
import type { DoctorContext } from '../context';
import { gitlabGet, gitlabWhy } from './gitlab-api';

/**
 * What a project hook's recent deliveries say, from GitLab's webhook events API
 * (`GET /projects/:id/hooks/:hook_id/events`, GitLab 17.3+, gitlab-org/gitlab MR 151048; doc/api/project_webhooks.md
 * "Get a list of project webhook events"): the last 7 days, newest first, `response_status` a string (`internal
 * error` when GitLab got no answer), `status` filters `client_failure` (4xx) and `server_failure` (5xx and internal
 * errors), `per_page` at most 20.
 */
export type DeliveryFinding =
  | { kind: 'failing'; detail: string; fix: string }
  | { kind: 'ok'; detail: string }
  | { kind: 'unavailable'; detail: string };

const RE_ENABLE_DOC = 'https://docs.gitlab.com/ee/user/project/integrations/webhooks.html#re-enable-disabled-webhooks';

/** GitLab counts 2xx and 3xx as delivered (WebHookService `response_category`). */
const delivered = (s: string): boolean => /^[23]\d\d$/.test(s);

/** The version `GET /version` names, asked once per run ('an unknown version' when it cannot be read). */
function versionOf(ctx: DoctorContext, env: Env): Promise<string> {
  return ctx.once('gitlab-version', async () => {
    const a = await gitlabGet(env, '/version', env.GITLAB_TOKEN!).catch(() => undefined);
    const v = (a?.body as { version?: unknown } | undefined)?.version;
    return typeof v === 'string' ? v : 'of an unknown version';
  });
}

/** What to do about the newest delivery's answer: 401 is the secret; otherwise the function, its URL, its logs. */
function fixFor(status: string, at: string, where: string, triggerUrl: string): string {
  const test = `then send a test request (${where} → Edit → Test → Pipeline events; it is handled like a real event and may start a verifying reconcile) and see it answer 202`;
  if (status === '401') return `the hook's Secret token differs from the webhook's WEBHOOK_SECRET: set it again in ${where} (Secret token = WEBHOOK_SECRET as deployed), ${test}`;
  if (status === '404' || status === '405') return `the hook's URL is not the webhook's trigger: set it to ${triggerUrl} in ${where}, ${test}`;
  return `read gitlab-webhook's logs in FC/SLS around ${at} (it failed or did not answer in GitLab's 10 s), check that the hook's URL is ${triggerUrl} and WEBHOOK_SECRET is set, ${test}`;
}

/**
 * The newest delivery (failed → failing, with its status, time and fix) and how many failed in the 7 days GitLab
 * keeps (some, but the newest went through → ok with a warning). A 404 on the route is a GitLab without the API.
 */
export async function hookDeliveries(ctx: DoctorContext, o: { project: string; hookId: unknown; token: string; where: string; triggerUrl: string }): Promise<DeliveryFinding> {
  const env = ctx.config().env;
  const base = `/projects/${encodeURIComponent(o.project)}/hooks/${encodeURIComponent(String(o.hookId))}/events`;
  const newest = await gitlabGet(env, `${base}?per_page=1`, o.token);
  if (newest.status === 404) return { kind: 'unavailable', detail: `GitLab ${await versionOf(ctx, env)} has no webhook events API (GET /projects/:id/hooks/:hook_id/events, GitLab 17.3+), so hook ${String(o.hookId)}'s recent deliveries are not checked: see ${o.where} → Edit → Recent events` };
  // Not read (403, 5xx, network): nothing is known about the deliveries — skipped, never "ok".
  if (newest.status !== 200 || !Array.isArray(newest.body)) return { kind: 'unavailable', detail: `hook ${String(o.hookId)}'s recent deliveries not read (GET /api/v4${base} answered ${gitlabWhy(newest)}): see ${o.where} → Edit → Recent events` };
  const last = newest.body[0] as { response_status?: unknown; created_at?: unknown } | undefined;
  if (!last) return { kind: 'ok', detail: `no deliveries in the last 7 days (GitLab keeps 7 days of events)` };
  const failures = await gitlabGet(env, `${base}?status=client_failure,server_failure&per_page=20`, o.token);
  const listed = Array.isArray(failures.body) ? failures.body.length : 0;
  const count = failures.status !== 200 ? undefined : failures.total ?? (failures.nextPage ? `${listed}+` : listed);
  const status = String(last.response_status ?? '?');
  const at = String(last.created_at ?? '?');
  const inWeek = count === undefined ? '' : `; ${count} failed in the last 7 days`;
  if (!delivered(status)) {
    const what = status === 'internal error' ? 'got no answer (internal error: refused, timed out or TLS; the message is under Recent events)' : `was answered ${status}`;
    return { kind: 'failing', detail: `hook ${String(o.hookId)}'s newest delivery (${at}) ${what}${inWeek}`, fix: fixFor(status, at, o.where, o.triggerUrl) };
  }
  if (count) return { kind: 'ok', detail: `newest delivery ${at} answered ${status} — warning: ${count} of the deliveries in the last 7 days failed (${o.where} → Edit → Recent events)` };
  return { kind: 'ok', detail: `newest delivery ${at} answered ${status}, none failed in the last 7 days` };
}

/** Re-enabling a hook GitLab disabled: a test request that gets a 2xx (UI or API, GitLab 16.11+). */
export function reEnableFix(where: string, project: string, hookId: unknown): string {
  return `once the webhook answers again, re-enable hook ${String(hookId)} with a test request: ${where} → Edit → Test, or POST /api/v4/projects/${encodeURIComponent(project)}/hooks/${String(hookId)}/test/pipeline_events (GitLab 16.11+); a 2xx answer re-enables it (${RE_ENABLE_DOC})`;
}
