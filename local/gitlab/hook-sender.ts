import { randomUUID } from 'node:crypto';
import type { DeliveryAttempt, DeliveryRecord, HookConfig } from './types';

export interface HookSenderOptions {
  /** X-Gitlab-Instance: the instance base URL (a getter, the emulator knows its port only after listen). */
  instanceUrl: () => string;
  /** GitLab version for `User-Agent: GitLab/<version>`. */
  version: string;
  /**
   * Per-request timeout; GitLab's `webhook_timeout` default is 10 s
   * (https://github.com/gitlabhq/omnibus-gitlab/blob/440b1f83/files/gitlab-config-template/gitlab.rb.template#L221-L224).
   */
  timeoutMs?: number;
  /**
   * Extra attempts after a failed one. Default 0: GitLab's WebHookService rescues the failure and only logs it
   * (https://github.com/gitlabhq/gitlabhq/blob/017a6c12/app/services/web_hook_service.rb: logged, not re-sent); raise
   * it to emulate a Sidekiq retry or a manual "Resend request".
   */
  retries?: number;
  retryDelayMs?: number;
}

export interface HookSendRequest {
  hook: HookConfig;
  /** X-Gitlab-Event: `System Hook` for every system hook, else e.g. `Push Hook`, `Pipeline Hook`. */
  event: string;
  payload: Record<string, unknown>;
  /**
   * X-Gitlab-Event-UUID recycled from a hook-triggered request (recursion detection). Absent: a new UUID for this
   * hook execution, as each WebHookWorker job draws its own.
   */
  eventUuid?: string;
}

/**
 * Delivers hooks the way GitLab's WebHookService does: JSON POST, GitLab's headers (a new X-Gitlab-Webhook-UUID per
 * request, one Idempotency-Key per hook execution kept across retries and resends), timeout, success = 2xx or 3xx.
 */
export class HookSender {
  private readonly records: DeliveryRecord[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly opts: HookSenderOptions) {}

  /** Deliver one hook execution (all attempts) and record it. */
  deliver(req: HookSendRequest): Promise<DeliveryRecord> {
    const kind = String(req.payload.event_name ?? req.payload.object_kind ?? 'unknown');
    const record: DeliveryRecord = {
      hookId: req.hook.id, url: req.hook.url, event: req.event, kind, idempotencyKey: randomUUID(),
      eventUuid: req.eventUuid ?? randomUUID(), headers: {}, payload: req.payload, attempts: [], ok: false,
    };
    this.records.push(record);
    return this.track(this.run(record, req.hook.token, this.opts.retries ?? 0));
  }

  /** "Resend request" from the hook's log: same Idempotency-Key and Event-UUID, one new attempt (MR !160952). */
  resend(record: DeliveryRecord, token?: string): Promise<DeliveryRecord> {
    return this.track(this.run(record, token ?? record.headers['X-Gitlab-Token'], 0));
  }

  deliveries(): DeliveryRecord[] {
    return [...this.records];
  }

  /** Resolves when every delivery started so far has finished (tests await this instead of sleeping). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  private async run(record: DeliveryRecord, token: string | undefined, retries: number): Promise<DeliveryRecord> {
    const body = JSON.stringify(record.payload);
    for (let i = 0; i <= retries; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, this.opts.retryDelayMs ?? 100));
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'User-Agent': `GitLab/${this.opts.version}`,
        'Idempotency-Key': record.idempotencyKey,
        'X-Gitlab-Event': record.event,
        'X-Gitlab-Webhook-UUID': randomUUID(),
        'X-Gitlab-Instance': this.opts.instanceUrl(),
        // `Gitlab::Utils.remove_line_breaks(hook.token)` = `gsub(/\r?\n/, '')` (app/services/web_hook_service.rb),
        // then Net::HTTP strips the value: a pasted secret with a trailing newline still works.
        ...(token ? { 'X-Gitlab-Token': token.replace(/\r?\n/g, '').trim() } : {}),
        'X-Gitlab-Event-UUID': record.eventUuid,
      };
      record.headers = headers;
      // Net::HTTP refuses a header value that still holds a CR or LF (ArgumentError): the delivery fails unsent.
      const bad = Object.entries(headers).find(([, v]) => /[\r\n]/.test(v));
      const attempt = bad
        ? { webhookUuid: headers['X-Gitlab-Webhook-UUID']!, error: `header ${bad[0]} cannot include CR/LF`, durationMs: 0 }
        : await this.attempt(record.url, headers, body);
      record.attempts.push(attempt);
      record.ok = attempt.status !== undefined && attempt.status >= 200 && attempt.status < 400;
      if (record.ok) break;
    }
    return record;
  }

  private async attempt(url: string, headers: Record<string, string>, body: string): Promise<DeliveryAttempt> {
    const started = performance.now();
    const webhookUuid = headers['X-Gitlab-Webhook-UUID']!;
    try {
      // redirect: manual — a 3xx is itself a success for GitLab (`response.redirection?`), it is not followed.
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
      await res.arrayBuffer().catch(() => undefined); // GitLab reads (and stores ≤ 8 KB of) the body
      return { webhookUuid, status: res.status, durationMs: performance.now() - started };
    } catch (e) {
      const err = e as { name?: string; cause?: { code?: string }; message?: string };
      const error = err.name === 'TimeoutError' ? 'timeout' : (err.cause?.code ?? err.message ?? 'error');
      return { webhookUuid, error, durationMs: performance.now() - started };
    }
  }
}
