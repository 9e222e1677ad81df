import { failed, ok, skipped, type CheckOutcome } from '#shared/checks/index';
import type { Env } from '#shared/config/index';
import { WEBHOOK_FUNCTION, type DoctorContext } from '../context';
import { doctorCheck, gates } from '../doctor-check';
import { gitlabList, gitlabWhy } from './gitlab-api';
import { hookDeliveries, reEnableFix } from './hook-deliveries';

/** The webhook's HTTP trigger URLs as FC reports them (ListTriggers of gitlab-webhook), asked once. */
export function webhookUrls(ctx: DoctorContext): Promise<string[]> {
  return ctx.once('webhook-urls', async () => {
    const fc = ctx.fc();
    if (!fc) throw new Error('FC is not named (FC_ACCOUNT_ID), so the trigger URL is unknown');
    const http = (await fc.listTriggers(WEBHOOK_FUNCTION)).find((t) => t.triggerType === 'http');
    const urls = [http?.urlInternet, http?.urlIntranet].filter((u): u is string => !!u);
    if (!urls.length) throw new Error(`${WEBHOOK_FUNCTION} has no HTTP trigger URL in FC (not deployed yet?)`);
    return urls;
  });
}

const norm = (u: string): string => u.split(/[?#]/)[0]!.replace(/\/+$/, '');
/** GitLab posts to the hook's URL as written; the trigger serves its URL and every path under it. */
const postsTo = (hookUrl: string, urls: string[]): boolean => urls.some((u) => norm(hookUrl) === norm(u) || norm(hookUrl).startsWith(`${norm(u)}/`));

interface HookRules {
  where: string;
  events: Record<string, string>;
  fix: (url: string) => string;
  /**
   * A project hook: GitLab may auto-disable it (`alert_status`, WebHooks::AutoDisabling) and serves its recent
   * deliveries. A system hook does neither (SystemHook does not include WebHooks::AutoDisabling, gitlabhq
   * app/models/hooks/system_hook.rb; no delivery-log API: gitlab-org/gitlab issue 21728 asks for one).
   */
  project?: { path: string; settings: string };
  /** Said of every hook this rule judges ok (what doctor could not look at). */
  note?: string;
}

/**
 * Where another hook posts, without what may be its secret: hook URLs often carry a token in the query or the path
 * (`?token=…`, Slack's `/services/T…/B…/…`), so only the scheme and host are shown.
 */
function hookHost(url: unknown): string {
  try {
    const u = new URL(String(url));
    return `${u.protocol}//${u.host}${u.pathname === '/' && !u.search ? '' : '/…'}`;
  } catch {
    return '(not a URL)';
  }
}

/**
 * Judge the hooks that post to the trigger: events on, SSL verification on; for a project hook also not disabled by
 * GitLab, and its newest delivery in the last 7 days went through.
 */
async function judge(ctx: DoctorContext, token: string, hooks: Array<Record<string, unknown>>, urls: string[], r: HookRules): Promise<CheckOutcome> {
  const ours = hooks.filter((h) => typeof h.url === 'string' && postsTo(h.url, urls));
  if (!ours.length) return failed(`no ${r.where} posts to the webhook trigger ${urls[0]} (${hooks.length} hooks: ${hooks.map((h) => `${String(h.id)} → ${hookHost(h.url)}`).join(', ') || 'none'})`, r.fix(urls[0]!));
  const problems: string[] = [];
  const fixes = new Set<string>();
  const notes: string[] = [];
  const unavailable: string[] = [];
  for (const h of ours) {
    const off = Object.entries(r.events).filter(([k]) => h[k] !== true).map(([, name]) => name);
    if (off.length) problems.push(`hook ${String(h.id)} lacks ${off.join(', ')} events`);
    if (h.enable_ssl_verification === false) problems.push(`hook ${String(h.id)} has SSL verification off`);
    if (off.length || h.enable_ssl_verification === false) fixes.add(r.fix(urls[0]!));
    if (!r.project) continue;
    const alert = String(h.alert_status ?? 'executable');
    if (alert !== 'executable') {
      problems.push(`hook ${String(h.id)} is ${alert}${h.disabled_until ? ` until ${String(h.disabled_until)}` : ''} after failing deliveries (GitLab stops sending)`);
      fixes.add(reEnableFix(r.project.settings, r.project.path, h.id));
    }
    const d = await hookDeliveries(ctx, { project: r.project.path, hookId: h.id, token, where: r.project.settings, triggerUrl: urls[0]! });
    if (d.kind === 'failing') {
      problems.push(d.detail);
      fixes.add(d.fix);
    } else (d.kind === 'ok' ? notes : unavailable).push(d.detail);
  }
  if (problems.length) return failed(problems.join('; '), [...fixes].join('; '));
  const h0 = ours[0]!;
  const state = r.project ? `, ${String(h0.alert_status ?? 'executable')}` : '';
  const detail = `${ours.length} ${r.where} → ${norm(String(h0.url))}: ${Object.values(r.events).join(', ')} events, SSL verification on${state}${[...notes, ...(r.note ? [r.note] : [])].map((n) => `; ${n}`).join('')}`;
  // A GitLab without the events API: the hook's settings were checked, its deliveries could not be.
  return unavailable.length ? skipped(`${unavailable.join('; ')} (the hook's settings are fine: ${detail})`) : ok(detail);
}

async function hooksCheck(ctx: DoctorContext, path: string, token: string, r: HookRules, forbidden: string): Promise<CheckOutcome> {
  let urls: string[];
  try {
    urls = await webhookUrls(ctx);
  } catch (e) {
    return skipped(`the webhook trigger URL is unknown: ${(e as Error).message}`);
  }
  const env: Env = ctx.config().env;
  const list = await gitlabList(env, path, token);
  if (list.status === 403 || list.status === 401) return skipped(`${forbidden} (GET /api/v4${path} answered ${gitlabWhy(list.answer)})`);
  if (list.status !== 200) return failed(`GET /api/v4${path} answered ${gitlabWhy(list.answer)}`, 'check GITLAB_URL and INFRA_PROJECT');
  return judge(ctx, token, list.items, urls, r);
}

/**
 * `gitlab.system-hook`: a system hook posts to the webhook's trigger URL with the push, merge request and repository
 * update events and SSL verification on (`GET /hooks`). GitLab never auto-disables a system hook, so its
 * `alert_status` is not judged, and it offers no delivery log for one through the API (only the admin page's Recent
 * events): the detail says so. System hooks are admin-only: GITLAB_ADMIN_TOKEN, else GITLAB_TOKEN if it is an
 * administrator's.
 */
export const gitlabSystemHook = doctorCheck({
  id: 'gitlab.system-hook',
  service: 'gitlab',
  needs: ['gitlab.reachable'],
  gate: gates.gitlab,
  run: (ctx) => {
    const e = ctx.config().env;
    return hooksCheck(ctx, '/hooks', e.GITLAB_ADMIN_TOKEN ?? e.GITLAB_TOKEN!, {
      where: 'system hook',
      events: { push_events: 'push', merge_requests_events: 'merge request', repository_update_events: 'repository update' },
      fix: (url) => `Admin Area → System Hooks: URL ${url}, Secret token = WEBHOOK_SECRET, events Push, Merge request, Repository update, SSL verification on`,
      note: 'deliveries not checked: GitLab offers no delivery log for system hooks: see Admin > System hooks > Edit > Recent events',
    }, 'listing system hooks needs an administrator\'s token: set GITLAB_ADMIN_TOKEN (read_api) for this check');
  },
});

/**
 * `gitlab.infra-hook`: with INFRA_PROJECT, its hook posts Pipeline events to the webhook, so the end of an infra
 * pipeline (helmfile apply, or a remediation) starts a verifying reconcile (shared/gitlab/hooks/hook-rule-table.ts);
 * GitLab has not disabled it, and its newest delivery of the last 7 days went through (./hook-deliveries.ts).
 */
export const gitlabInfraHook = doctorCheck({
  id: 'gitlab.infra-hook',
  service: 'gitlab',
  needs: ['gitlab.reachable'],
  gate: (e) => gates.gitlab(e) ?? (e.INFRA_PROJECT ? undefined : 'INFRA_PROJECT is not set (desired state from the bundled infra/)'),
  run: (ctx) => {
    const e = ctx.config().env;
    return hooksCheck(ctx, `/projects/${encodeURIComponent(e.INFRA_PROJECT!)}/hooks`, e.GITLAB_ADMIN_TOKEN ?? e.GITLAB_TOKEN!, {
      where: `hook of ${e.INFRA_PROJECT}`,
      events: { pipeline_events: 'pipeline' },
      fix: (url) => `${e.INFRA_PROJECT} → Settings → Webhooks: URL ${url}, Secret token = WEBHOOK_SECRET, Pipeline events, SSL verification on`,
      project: { path: e.INFRA_PROJECT!, settings: `${e.INFRA_PROJECT} → Settings → Webhooks` },
    }, `reading ${e.INFRA_PROJECT}'s hooks needs Maintainer there`);
  },
});
