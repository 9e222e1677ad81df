import type { HookProject, PushPayload } from './payload-schemas';

/**
 * The files a push changed, or undefined when the payload cannot tell: system push/tag hooks may omit commits
 * ("commits are never displayed"), and project push hooks list only the newest 20 commits, with
 * `total_commits_count` the real count (gitlabhq doc/administration/system_hooks.md @ 017a6c12; gitlabhq doc/user/project/integrations/webhook_events.md @ 88d3e50d).
 */
export function changedFiles(p: PushPayload): string[] | undefined {
  const commits = p.commits ?? [];
  if (commits.length < (p.total_commits_count ?? commits.length)) return undefined;
  const files = new Set<string>();
  for (const c of commits) {
    if (!c.added && !c.modified && !c.removed) return undefined;
    for (const f of [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]) files.add(f);
  }
  return [...files].sort();
}

/** The project's CI file: its `ci_config_path` when set ("" means default), else the configured default. */
export function ciConfigPathOf(project: HookProject | undefined | null, fallback: string): string {
  const p = project?.ci_config_path?.trim();
  return (p ? p : fallback).replace(/^\.?\//, '');
}

/** Verdict with its reason, so the 202 reply and the worker's source say why. */
export interface TouchVerdict {
  touches: boolean;
  reason: string;
}

/**
 * Does this change set touch CI config? Yes for the CI file itself and for any `*.yml`/`*.yaml` (it may be a
 * `include: local` target); unknown file lists count as yes, because a missed pre-warm costs image pulls on every
 * job while an extra one is a no-op (ImageCache names are content-addressed).
 */
export function touchesCiConfig(files: string[] | undefined, ciPath: string): TouchVerdict {
  if (files === undefined) return { touches: true, reason: 'files unknown' };
  if (files.some((f) => f.replace(/^\//, '') === ciPath)) return { touches: true, reason: `changes ${ciPath}` };
  const yml = files.filter((f) => /\.ya?ml$/i.test(f));
  if (yml.length > 0) return { touches: true, reason: `changes ${yml.slice(0, 3).join(', ')}${yml.length > 3 ? ', …' : ''} (possible local include)` };
  return { touches: false, reason: `none of ${files.length} changed file(s) is CI config` };
}
