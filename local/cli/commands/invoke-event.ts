import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { TargetKind } from '../target';

/** Event bytes from `--event`: `-` = stdin, text starting with `{`/`[` = inline JSON, anything else = a file. */
export async function readEvent(arg: string | undefined, io: { cwd: string; stdin: () => Promise<string> }): Promise<Buffer> {
  if (arg === undefined) return Buffer.from('{}');
  if (arg === '-') return Buffer.from(await io.stdin());
  if (/^\s*[[{]/.test(arg)) return Buffer.from(arg);
  const file = isAbsolute(arg) ? arg : resolve(io.cwd, arg);
  if (!existsSync(file)) throw new Error(`event file not found: ${file}`);
  return readFileSync(file);
}

/**
 * What each worker action talks to (functions/ops-worker/actions/). An action not listed here — one added later, or
 * an event read from stdin — is shown with every target, so the line never names less than the run may touch. Every
 * action that notifies (all but ping) writes the alert state, a ConfigMap in the cluster (functions/ops-worker/notify.ts).
 */
const ACTION_TARGETS: Record<string, TargetKind[]> = {
  ping: [],
  prewarm: ['gitlab', 'cluster'],
  reconcile: ['gitlab', 'cluster'],
  backup: ['instance', 'bucket', 'cluster'],
  watchdog: ['bucket', 'cluster'],
  restore: ['gitlab', 'instance', 'bucket', 'cluster'],
  'restore-drill': ['gitlab', 'cluster', 'bucket'],
};
const ALL: TargetKind[] = ['gitlab', 'cluster', 'instance', 'bucket'];

/** The action an event names: `{action}` directly, or inside a timer event's `payload` string. */
export function eventAction(text: string): string | undefined {
  try {
    const e = JSON.parse(text) as { action?: unknown; payload?: unknown };
    if (typeof e.action === 'string') return e.action;
    if (typeof e.payload === 'string') return eventAction(e.payload);
  } catch {
    return undefined; // not JSON: the handler reports it
  }
  return undefined;
}

/** Targets of `invoke <fn> --event …`, read before the run (stdin is not read twice: all targets then). */
export function invokeTargets(fn: string | undefined, eventArg: string | undefined, cwd: string): TargetKind[] {
  if (fn === 'gitlab-webhook') return ['fc'];
  if (fn !== 'ops-worker') return ALL;
  if (eventArg === '-') return ALL;
  let text = '{}';
  if (eventArg !== undefined) {
    if (/^\s*[[{]/.test(eventArg)) text = eventArg;
    else {
      const file = resolve(cwd, eventArg);
      if (!existsSync(file)) return ALL;
      text = readFileSync(file, 'utf8');
    }
  }
  const action = eventAction(text);
  return (action !== undefined && ACTION_TARGETS[action]) || ALL;
}
