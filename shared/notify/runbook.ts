/** Anchors of the runbooks in docs/operations.md (its headings, as GitHub/GitLab render them). */
export type RunbookAnchor = 'restore-runbook' | 'restore-drill' | 'prewarm-imagecaches' | 'reconcile-hourly-and-on-pushes-to-the-infra-project';

/** A runbook link: RUNBOOK_URL (docs/operations.md as published) + anchor, else the repository path. */
export function runbookLink(base: string | undefined, anchor: RunbookAnchor): string {
  return base ? `${base.replace(/#.*$/, '')}#${anchor}` : `docs/operations.md#${anchor}`;
}
