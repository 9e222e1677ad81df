import { randomUUID } from 'node:crypto';
import type { DeliveryAttempt, DeliveryRecord, HookConfig, WebHookLogEntry } from './types';

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

/** GitLab's trigger name (`hook_name`: `push_hooks`, …) from the payload's kind. */
const TRIGGERS: Record<string, string> = { push: 'push_hooks', tag_push: 'tag_push_hooks', pipeline: 'pipeline_hooks', merge_request: 'merge_request_hooks', repository_update: 'repository_update_hooks' };

/** What GitLab keeps of a response body: 8 KB (app/services/web_hook_service.rb truncates it; the exact cut is UNCONFIRMED). */
const BODY_LIMIT = 8 * 1024;

/**
 * Delivers hooks the way GitLab's WebHookService does: JSON POST, GitLab's headers (a new X-Gitlab-Webhook-UUID per
 * request, one Idempotency-Key per hook execution kept across retries and resends), timeout, success = 2xx or 3xx.
 */
export class HookSender {
  private readonly records: DeliveryRecord[] = [];
  private readonly hookLogs: WebHookLogEntry[] = [];
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

  /**
   * Every attempt's WebHookLog, oldest first, optionally of one hook: the live rows (a test may backdate
   * `created_at` to rehearse the API's 7-day window).
   */
  logs(hookId?: number): WebHookLogEntry[] {
    return hookId === undefined ? [...this.hookLogs] : this.hookLogs.filter((l) => l.hookId === hookId);
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
      const createdAt = new Date().toISOString();
      const attempt = bad
        ? { webhookUuid: headers['X-Gitlab-Webhook-UUID']!, error: `header ${bad[0]} cannot include CR/LF`, durationMs: 0 }
        : await this.attempt(record.url, headers, body);
      record.attempts.push(attempt);
      this.log(record, headers, attempt, createdAt);
      record.ok = attempt.status !== undefined && attempt.status >= 200 && attempt.status < 400;
      if (record.ok) break;
    }
    return record;
  }

  /** One WebHookLog row per attempt, as WebHookService#log_execution writes it. */
  private log(record: DeliveryRecord, headers: Record<string, string>, a: DeliveryAttempt, createdAt: string): void {
    this.hookLogs.push({
      id: this.hookLogs.length + 1, hookId: record.hookId, url: record.url, trigger: TRIGGERS[record.kind] ?? `${record.kind}_hooks`,
      request_headers: { ...headers, ...(headers['X-Gitlab-Token'] !== undefined ? { 'X-Gitlab-Token': '[REDACTED]' } : {}) },
      request_data: record.payload, response_headers: a.responseHeaders ?? {},
      response_body: a.status === undefined ? (a.error ?? '') : (a.responseBody ?? ''),
      response_status: a.status === undefined ? 'internal error' : String(a.status),
      execution_duration: a.durationMs / 1000, created_at: createdAt,
    });
  }

  private async attempt(url: string, headers: Record<string, string>, body: string): Promise<DeliveryAttempt> {
    const started = performance.now();
    const webhookUuid = headers['X-Gitlab-Webhook-UUID']!;
    try {
      // redirect: manual — a 3xx is itself a success for GitLab (`response.redirection?`), it is not followed.
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
      const text = await res.text().catch(() => ''); // GitLab reads (and stores ≤ 8 KB of) the body
      const responseHeaders = Object.fromEntries([...res.headers.entries()]);
      return { webhookUuid, status: res.status, durationMs: performance.now() - started, responseHeaders, responseBody: text.slice(0, BODY_LIMIT) };
    } catch (e) {
      const err = e as { name?: string; cause?: { code?: string }; message?: string };
      const error = err.name === 'TimeoutError' ? 'timeout' : (err.cause?.code ?? err.message ?? 'error');
      return { webhookUuid, error, durationMs: performance.now() - started };
    }
  }
}
