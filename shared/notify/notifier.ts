import { toAppError } from '#shared/errors/index';
import type { Logger } from '#shared/log/index';
import type { Clock } from '#shared/runtime/index';
import { decide, fingerprint, nextEntries, type AlertEntry, type Decision, type Finding } from './alert-rules';
import type { AlertStore } from './alert-store';
import { deliver, type Channel, type ChannelResult } from './channel';
import type { NotifyContent } from './content';
import { decorate, type NotifyContext } from './decorate';

/** What the message builder gets: the rules' decision plus what kind of run this is. */
export interface NotifyDecision extends Decision {
  /** The caller said this run is an event (tell regardless of the state). */
  event: boolean;
  dryRun: boolean;
  /** Set when the alert state could not be used: every current finding is treated as new. */
  stateless?: string;
}

/** One call: an event, conditions, or both (prewarm: caches created + projects whose CI fails). */
export interface NotifyInput {
  action: string;
  /** This run's conditions (an empty list resolves earlier ones). Omitted = an event-only action: no state is used. */
  findings?: readonly Finding[];
  /** Which stored findings of this action this run re-checked (default all): only those can resolve. */
  covers?: (e: AlertEntry) => boolean;
  event?: boolean;
  /** Build the one message; undefined = stay silent. Called only when there is something to tell. */
  build(d: NotifyDecision): NotifyContent | undefined;
}

/** What happened: recorded in the action's result. */
export interface NotifyOutcome {
  /** A message was attempted. */
  told: boolean;
  delivered: boolean;
  /** Every configured channel failed. */
  allFailed: boolean;
  results: ChannelResult[];
  /** Why nothing was sent. */
  skipped?: string;
  counts?: { new: number; changed: number; reminder: number; quiet: number; resolved: number };
  /** `ok`, `unavailable` (read failed: told without it), `not written` (write failed), `none` (dry run / no store). */
  state: 'ok' | 'unavailable' | 'not written' | 'none';
  stateError?: string;
}

/** The notifier: actions give it findings and a builder; it applies the alert rules and sends on every channel. */
export interface Notifier {
  notify(i: NotifyInput): Promise<NotifyOutcome>;
}

export interface NotifierOptions {
  channels: readonly Channel[];
  /** The alert state; absent = stateless (every finding is told every run, and the message says so). */
  store?: AlertStore;
  clock: Clock;
  log: Logger;
  remindHours: number;
  /** This invocation is a dry run; it notifies only when the request says `"notify": true`. */
  dryRun: boolean;
  notify?: boolean;
  context?: NotifyContext;
}

/**
 * Create the notifier of one invocation (ADR 0023). Dry runs are silent unless `notify`, then every current finding
 * is told with DRY RUN in the subject and nothing is recorded. When the alert state cannot be read, the notifier
 * tells rather than stays silent, and says so in the message.
 */
export function createNotifier(o: NotifierOptions): Notifier {
  const log = o.log.child({ port: 'notify' });
  return {
    async notify(i) {
      const empty = { told: false, delivered: false, allFailed: false, results: [] as ChannelResult[] };
      if (o.dryRun && !o.notify) return { ...empty, skipped: 'dry run (add "notify": true to the request to be told)', state: 'none' };
      const now = o.clock.now();
      const findings = i.findings ?? [];
      let stored: AlertEntry[] = [];
      const events = i.findings === undefined ? 'events only: no alert state' : undefined;
      let stateless: string | undefined = o.dryRun ? 'dry run: nothing is recorded' : (events ?? (o.store ? undefined : 'no alert state configured'));
      let stateError: string | undefined;
      if (!stateless) {
        try {
          stored = await o.store!.load();
        } catch (e) {
          stateError = toAppError(e).message;
          stateless = `alert state unavailable (${stateError})`;
          log.warn('alert state unavailable: telling every finding', { error: stateError, action: i.action });
        }
      }
      const d: Decision = stateless
        ? { tell: findings.map((f) => ({ finding: { ...f, fp: fingerprint(i.action, f), digest: '' }, why: 'new' as const })), quiet: [], resolved: [] }
        : decide({ action: i.action, findings, stored, now, remindHours: o.remindHours, ...(i.covers ? { covers: i.covers } : {}) });
      const counts = { new: d.tell.filter((t) => t.why === 'new').length, changed: d.tell.filter((t) => t.why === 'changed').length, reminder: d.tell.filter((t) => t.why === 'reminder').length, quiet: d.quiet.length, resolved: d.resolved.length };
      const state: NotifyOutcome['state'] = stateError ? 'unavailable' : stateless ? 'none' : 'ok';
      const record = async (delivered: boolean): Promise<NotifyOutcome['state']> => {
        if (state !== 'ok') return state;
        const next = nextEntries(i.action, d, stored, delivered, now);
        if (!next.put.length && !next.remove.length) return 'ok';
        try {
          await o.store!.apply(next.put, next.remove, now);
          return 'ok';
        } catch (e) {
          stateError = toAppError(e).message;
          log.warn('alert state not written: the next run may tell again', { error: stateError, action: i.action });
          return 'not written';
        }
      };
      const need = Boolean(i.event) || d.tell.length > 0 || d.resolved.length > 0;
      const content = need ? i.build({ ...d, event: Boolean(i.event), dryRun: o.dryRun, ...(stateless ? { stateless } : {}) }) : undefined;
      if (!content) {
        const st = await record(false);
        return { ...empty, skipped: counts.quiet ? `nothing new (${counts.quiet} open finding(s) told before)` : 'nothing to tell', counts, state: st, ...(stateError ? { stateError } : {}) };
      }
      const reminder = !i.event && d.tell.length > 0 && d.tell.every((t) => t.why === 'reminder') && !d.resolved.length;
      const notes = [
        ...(o.dryRun ? ['DRY RUN: nothing was changed; sent because the request said "notify": true.'] : []),
        ...(stateError ? [`Alert state unavailable (${stateError}): this message may repeat what was told before.`] : []),
        ...(reminder ? [`Reminder: unchanged since ${d.tell.map((t) => t.since).filter(Boolean).sort()[0] ?? 'the last message'}; the next reminder follows in ${o.remindHours} h unless it changes or clears.`] : []),
      ];
      const delivery = await deliver(o.channels, decorate(content, o.context ?? {}, notes, { dryRun: o.dryRun, reminder }), log);
      const st = await record(delivery.delivered);
      return { told: true, ...delivery, counts, state: st, ...(stateError ? { stateError } : {}) };
    },
  };
}
