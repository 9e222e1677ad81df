import type { InvokeRequest } from '#shared/runtime/index';
import type { Decision } from './alert-rules';
import type { NotifyContent, NotifyLink, NotifySection, Trigger } from './content';

/** Who asked for this run: the request's source (webhook trigger, timer, manual) and the FC request id. */
export interface NotifyContext {
  source?: InvokeRequest['source'];
  requestId?: string;
  /** The worker's function name (for "where to look": FC's async tasks of it). */
  functionName?: string;
}

const shortSha = (sha: string | undefined): string | undefined => (sha ? sha.slice(0, 12) : undefined);

/** The "Cause" block: the trigger (project, commit, author, hook) when present, else the timer or a manual run. */
export function causeSection(ctx: NotifyContext): NotifySection | undefined {
  const s = ctx.source;
  const t: Trigger | undefined = s?.trigger;
  if (t) {
    return {
      heading: 'Cause',
      rows: [
        ['hook', t.hook],
        ['project', t.project?.path ?? (t.project ? `project ${t.project.id}` : undefined)],
        ['ref', t.ref],
        ['commit', shortSha(t.sha)],
        ['author', t.author],
        ...(s?.reason ? ([['why', s.reason]] as const) : []),
      ],
    };
  }
  if (s?.kind === 'timer') return { heading: 'Cause', rows: [['timer', s.id], ['fired', s.time]] };
  if (s?.kind === 'webhook') return { heading: 'Cause', rows: [['webhook', s.reason ?? s.id]] };
  return { heading: 'Cause', rows: [['run', 'manual invoke']] };
}

/** Links from the trigger: the GitLab commit and project. */
export function contextLinks(ctx: NotifyContext): NotifyLink[] {
  const t = ctx.source?.trigger;
  return [
    ...(t?.commitUrl ? [{ label: `GitLab commit ${shortSha(t.sha) ?? ''}`.trim(), url: t.commitUrl }] : []),
    ...(t?.project?.webUrl ? [{ label: `GitLab project ${t.project.path ?? t.project.id}`, url: t.project.webUrl }] : []),
  ];
}

/**
 * The message as sent: the cause first, the action's own sections, its links then the trigger's, the notes, and a
 * footer naming the FC request (find it with ListAsyncTasks / the FC console's async tasks of the function).
 */
export function decorate(c: NotifyContent, ctx: NotifyContext, notes: string[], flags: { dryRun: boolean; reminder: boolean }): NotifyContent {
  const cause = causeSection(ctx);
  const run = [ctx.functionName ?? 'ops-worker', ctx.requestId ? `FC request ${ctx.requestId}` : ''].filter(Boolean).join(' · ');
  const links = [...(c.links ?? []), ...contextLinks(ctx)];
  return {
    ...c,
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(flags.reminder ? { reminder: true } : {}),
    notes: [...notes, ...(c.notes ?? [])],
    sections: [...(cause ? [cause] : []), ...(c.sections ?? [])],
    links: links.filter((l, i) => links.findIndex((x) => x.url === l.url) === i),
    footer: [c.footer, `gitlab-ask-ops · ${run}`].filter(Boolean).join('\n'),
  };
}

/**
 * The standard findings block for condition messages: what is new, changed, due for a reminder, resolved, and what
 * is still open but was told before.
 */
export function findingSections(d: Pick<Decision, 'tell' | 'quiet' | 'resolved'>): NotifySection[] {
  const label = { new: 'new', changed: 'changed', reminder: 'reminder' } as const;
  const out: NotifySection[] = [];
  if (d.tell.length) out.push({ heading: 'Findings', table: { columns: ['target', 'what', 'told as', 'open since'], rows: d.tell.map((t) => [t.finding.target, t.finding.summary, label[t.why], t.since ?? 'this run']) } });
  if (d.resolved.length) out.push({ heading: 'Resolved', table: { columns: ['target', 'was', 'since'], rows: d.resolved.map((e) => [e.target, e.summary, e.firstSeen]) } });
  if (d.quiet.length) out.push({ heading: 'Still open (told before)', table: { columns: ['target', 'what'], rows: d.quiet.map((f) => [f.target, f.summary]) } });
  return out;
}
