/** A problem the notifier has reported and not yet seen resolved (the alert state). */
export interface OpenFinding {
  key: string;
  summary: string;
  severity?: string;
  action?: string;
  /** When it was first reported (ISO). */
  since?: string;
}

export type OpenFindings = { available: true; findings: OpenFinding[] } | { available: false; reason: string };

/**
 * The adapter `ops status` reads open findings through. The alert-state store arrives with the notifier (its read
 * function plugs in here, one call); until then status says the section is not available rather than "none".
 */
export async function readOpenFindings(_env: Record<string, string | undefined>): Promise<OpenFindings> {
  return { available: false, reason: 'no alert-state store in this build yet (the notifier brings it)' };
}
