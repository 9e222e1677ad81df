import type { KubePort } from '#shared/kube/port';
import type { Mailer } from '#shared/mail/index';
import { createNotifier, kubeAlertStore, mailChannel, type AlertStore, type Channel, type Notifier, type NotifyOutcome } from '#shared/notify/index';
import type { ActionContext, ActionResult, PlanStep } from './types';

/**
 * The notifier of one invocation (ADR 0023): the instance's channels (`channels` port; a test that wires only `mail`
 * gets that one), the alert state in the ConfigMap `gitlab-ask-ops-alerts` of RUNNER_NAMESPACE through the `kube` port
 * (or an `alertStore` port), this request's dryRun/notify, and its source for the "Cause" block and links.
 * Without a kube port (or a cluster configured) the store fails on first use and the notifier tells without state.
 */
export function notifierFor(ctx: Pick<ActionContext, 'ports' | 'config' | 'clock' | 'log' | 'dryRun' | 'request' | 'requestId'>): Notifier {
  const ports = ctx.ports as Record<string, unknown>;
  const channels = (ports.channels as Channel[] | undefined) ?? (ports.mail ? [mailChannel(ports.mail as Mailer)] : []);
  const store =
    (ports.alertStore as AlertStore | undefined) ??
    kubeAlertStore(
      () => {
        const kube = ports.kube as KubePort | undefined;
        if (!kube) throw new Error('no Kubernetes cluster configured for the alert state (ASK_CLUSTER_ID, KUBE_CONFIG or KUBECONFIG_PATH)');
        return kube;
      },
      { namespace: ctx.config.env.RUNNER_NAMESPACE },
    );
  return createNotifier({
    channels,
    store,
    clock: ctx.clock,
    log: ctx.log,
    remindHours: ctx.config.env.NOTIFY_REMIND_HOURS,
    dryRun: ctx.dryRun,
    ...(ctx.request.notify ? { notify: true } : {}),
    context: { ...(ctx.request.source ? { source: ctx.request.source } : {}), requestId: ctx.requestId, functionName: ctx.config.env.WORKER_FUNCTION },
  });
}

/** The channels this configuration sends on, for plan steps (`mail, dingtalk, slack` or "no channel configured"). */
export function channelNames(env: ActionContext['config']['env']): string {
  const names = [
    env.MAIL_ENABLED && env.MAIL_FROM && env.MAIL_TO.length ? 'mail' : '',
    env.DINGTALK_WEBHOOK_URL ? 'dingtalk' : '',
    env.SLACK_WEBHOOK_URL ? 'slack' : '',
  ].filter(Boolean);
  return names.join(', ') || '(no channel configured)';
}

/** The plan step every action reports for its message. */
export const notifyStep = (env: ActionContext['config']['env'], reason: string): PlanStep => ({ kind: 'notify', target: channelNames(env), reason });

/** The step's outcome from the notifier's: applied = delivered, failed = every channel failed, else skipped. */
export function notifyDone(step: PlanStep, o: NotifyOutcome): ActionResult['done'][number] {
  const failed = o.results.filter((r) => !r.ok && !r.skipped).map((r) => `${r.channel}: ${r.detail}`);
  const detail = o.told ? [o.results.map((r) => `${r.channel} ${r.ok ? 'sent' : r.skipped ? 'skipped' : 'failed'}`).join(', '), ...failed].filter(Boolean).join('; ') : (o.skipped ?? 'nothing to tell');
  return { step, outcome: o.delivered ? 'applied' : o.allFailed ? 'failed' : 'skipped', detail };
}

/** The notifier's outcome as an action's result keeps it (no channel internals). */
export const notifySummary = (o: NotifyOutcome): Record<string, unknown> => ({
  told: o.told,
  delivered: o.delivered,
  ...(o.allFailed ? { allFailed: true } : {}),
  channels: Object.fromEntries(o.results.map((r) => [r.channel, r.ok ? 'sent' : r.skipped ? `skipped: ${r.skipped}` : `failed: ${r.detail}`])),
  ...(o.skipped ? { skipped: o.skipped } : {}),
  ...(o.counts ? { findings: o.counts } : {}),
  state: o.state,
  ...(o.stateError ? { stateError: o.stateError } : {}),
});
