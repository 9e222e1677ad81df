import type { InvokeRequest } from '#shared/runtime/decode-event';
import type { IdentifiedHook } from './identify-hook';

/** What changed, as the webhook read it from the hook (the worker request's `source.trigger`). */
export type HookTrigger = NonNullable<NonNullable<InvokeRequest['source']>['trigger']>;

/**
 * Longest text kept per trigger field. The fields are sender text (after the token check) that travels into FC
 * payloads, mails and commit statuses; GitLab itself caps a commit status's `ref`/`target_url`/`description` at 255
 * (app/models/commit_status.rb `validates :ref, :target_url, :description, length: { maximum: 255 }`).
 */
export const MAX_TRIGGER_CHARS = 255;

/** A full commit id: SHA-1 (40 hex) or SHA-256 (64 hex) object format; the all-zero id is no commit. */
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
export const isCommitSha = (v: unknown): v is string => typeof v === 'string' && SHA.test(v) && !/^0+$/.test(v);

/** The string at a dotted path of a payload, or undefined (payloads are read leniently here: no new 400s). */
export function textAt(o: unknown, path: string): string | undefined {
  let v = o;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

const bounded = (s: string | undefined): string | undefined => {
  if (s === undefined) return undefined;
  // Control characters (CR/LF) would break mail headers and log lines; the text is shown, never parsed.
  const clean = s.replace(/\p{Cc}+/gu, ' ').trim();
  return clean === '' ? undefined : clean.length > MAX_TRIGGER_CHARS ? `${clean.slice(0, MAX_TRIGGER_CHARS - 1)}…` : clean;
};

/** An http(s) URL that fits whole (a cut URL is a wrong link: it is dropped instead). */
const url = (s: string | undefined): string | undefined => {
  if (!s || s.length > MAX_TRIGGER_CHARS || !/^https?:\/\/[^\s]+$/i.test(s)) return undefined;
  return s.replace(/\/+$/, '');
};

/** The raw facts a rule read from its payload. */
export interface TriggerFacts {
  projectId: number | undefined;
  path?: string | undefined;
  webUrl?: string | undefined;
  ref?: string | undefined;
  sha?: string | undefined;
  author?: string | undefined;
}

/** `System Hook: push`, `Push Hook`, `Merge Request Hook: merge`: which hook told us (the header plus, for system hooks, the event). */
export function hookName(hook: IdentifiedHook): string {
  const what = hook.name ?? hook.kind;
  if (hook.scope === 'system') return `System Hook${what ? `: ${what}` : ''}`;
  return `${hook.headerEvent}${hook.action ? `: ${hook.action}` : ''}`;
}

/**
 * The bounded trigger of a request: strings cut to MAX_TRIGGER_CHARS, the sha kept only when it is a commit id, URLs
 * only when whole and http(s); the commit URL is `<project web_url>/-/commit/<sha>` as GitLab links a commit.
 */
export function buildTrigger(hook: IdentifiedHook, f: TriggerFacts): HookTrigger {
  const sha = isCommitSha(f.sha) ? f.sha : undefined;
  const webUrl = url(f.webUrl);
  const ref = bounded(f.ref?.replace(/^refs\/heads\//, ''));
  const path = bounded(f.path);
  const author = bounded(f.author);
  const commitUrl = webUrl && sha ? url(`${webUrl}/-/commit/${sha}`) : undefined;
  return {
    hook: bounded(hookName(hook))!,
    ...(f.projectId !== undefined ? { project: { id: f.projectId, ...(path ? { path } : {}), ...(webUrl ? { webUrl } : {}) } } : {}),
    ...(ref ? { ref } : {}),
    ...(sha ? { sha } : {}),
    ...(author ? { author } : {}),
    ...(commitUrl ? { commitUrl } : {}),
  };
}

/**
 * What a run is about, for its dedupe key: the project and the commit its default branch now points at. Every hook
 * that reports the same change (system push, its repository_update, a project Push Hook, the merge request merge
 * that made the commit) yields the same identity, so they collapse into one FC task (docs/adr/0024).
 */
export function changeIdentity(t: HookTrigger): string | undefined {
  return t.project && t.sha ? `p${t.project.id}@${t.sha}` : undefined;
}
