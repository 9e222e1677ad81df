import { AppError } from '#shared/errors/app-error';
import { isHookEventName, type HookEventName } from './event-names';
import type { IdentifiedHook } from './identify-hook';
import type { HookTrigger } from './trigger';

/** A worker action a hook asks for, with why. The handler adds `source` (delivery id) and hands it off. */
export interface PlannedRequest {
  action: 'prewarm' | 'reconcile';
  params: Record<string, unknown>;
  reason: string;
  /** What changed (project, commit, who), for messages and commit statuses: becomes `source.trigger`. */
  trigger?: HookTrigger;
  /**
   * Identity of what this run is about — a commit (`p<project id>@<sha>`) or a finished pipeline
   * (`p<project id>#pipeline<id>:<status>`): requests of one action with the same identity share one FC task,
   * whichever hook (or how many) reported it. Absent: the delivery identifies the run.
   */
  change?: string;
}

/** What rules read besides the payload: the parsed Config's relevant values. */
export interface RuleOptions {
  /** CI_CONFIG_PATH: the CI file of projects whose hook payload has no `ci_config_path`. */
  ciConfigPath: string;
  /** INFRA_PROJECT: path_with_namespace or numeric id of the infra repo; absent = no infra rules. */
  infraProject?: string;
  /** INFRA_REF: the infra branch reconcile reads; only its pushes and pipelines start one. */
  infraRef: string;
}

/** A rule: requests to make, or a string saying why there is nothing to do. Pure. */
export type HookRule = (payload: Record<string, unknown>, hook: IdentifiedHook, opts: RuleOptions) => PlannedRequest[] | string;

/** Rules keyed by registry name (only where something can happen; every other known event is a no-op). */
export type HookRules = Partial<Record<HookEventName, HookRule>>;

/** Validate a rules table at load: a key that is not a registered event name is a programming error. */
export function defineHookRules(rules: Record<string, HookRule>): HookRules {
  const bad = Object.keys(rules).filter((k) => !isHookEventName(k));
  if (bad.length > 0) throw new AppError('INTERNAL', `unknown hook event name(s) in rules: ${bad.join(', ')}`);
  return rules as HookRules;
}

/** True when the hook's project is the configured infra project (by numeric id or path, case-insensitive). */
export function isInfraProject(infra: string | undefined, id: number | undefined, path: string | undefined): boolean {
  if (!infra) return false;
  const want = infra.trim();
  if (/^\d+$/.test(want)) return id !== undefined && String(id) === want;
  return path !== undefined && path.toLowerCase() === want.toLowerCase().replace(/^\/|\/$/g, '');
}

/** Git's all-zero object id: `after` of a deleted ref, `before` of a created one. */
export const isZeroSha = (sha: string | undefined): boolean => sha !== undefined && /^0+$/.test(sha);
