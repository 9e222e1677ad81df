import { worst, type NotifyContent, type NotifySection } from './content';
import { buildSubject } from './subject';

/**
 * Several messages as one (DingTalk under its rate limit: "aggregate into one markdown message"). Nothing is left
 * out: each message keeps its subject, outcome, sections and links, in order.
 */
export function mergeContents(cs: readonly NotifyContent[]): NotifyContent {
  if (cs.length === 1) return cs[0]!;
  const actions = [...new Set(cs.map((c) => c.action))];
  const sections: NotifySection[] = cs.flatMap((c, i) => [
    { heading: `${i + 1}/${cs.length} ${buildSubject(c, 200)}`, text: [c.title, [c.counts, c.outcome].filter(Boolean).join(' — '), c.summary, ...(c.notes ?? [])].filter(Boolean).join('\n') },
    ...(c.sections ?? []).map((s) => ({ ...s, heading: `${i + 1}/${cs.length} ${s.heading}` })),
  ]);
  return {
    action: actions.join('+'),
    title: `${cs.length} messages sent together (rate limit)`,
    severity: cs.map((c) => c.severity).reduce(worst),
    target: `${cs.length} messages`,
    counts: `${cs.length} messages`,
    outcome: 'held back by the channel rate limit and sent as one',
    sections,
    links: cs.flatMap((c) => c.links ?? []),
    dryRun: cs.every((c) => c.dryRun),
  };
}
