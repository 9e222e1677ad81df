import { listPrefix } from '#shared/backup/inventory';
import { runKeyHash } from '#shared/backup/run-name';
import type { OssPort } from '#shared/cloud/oss/index';
import type { DrillReport } from './drill-report';

/** Where a backup's newest drill report is stored: beside its verified record (retention deletes it with the backup). */
export const drillRecordKey = (ossPrefix: string, backup: string): string => `${listPrefix(ossPrefix)}verified/${backup}.drill.json`;

/** What `ops backups` shows of a stored drill report. */
export interface DrillSummary {
  result: 'passed' | 'failed';
  rtoSeconds: number | null;
  at: string;
  step?: string;
}

/** The summary of a stored drill report; undefined when it is not one. */
export function parseDrillSummary(text: string | undefined): DrillSummary | undefined {
  try {
    const r = text ? (JSON.parse(text) as Partial<DrillReport>) : undefined;
    if (!r || (r.result !== 'passed' && r.result !== 'failed')) return undefined;
    return { result: r.result, rtoSeconds: typeof r.rtoSeconds === 'number' ? r.rtoSeconds : null, at: String(r.finishedAt ?? ''), ...(r.step ? { step: r.step } : {}) };
  } catch {
    // Not JSON: not a drill report.
    return undefined;
  }
}

/**
 * The drill's run record, keyed by the invocation (`<prefix>runs/<digest>.json`, pruned with the backups' run records
 * after 48 h): FC's retry of a drill whose message reached no channel finds it and tells again, never drills again.
 */
export interface DrillRun {
  schema: 'gitlab-ask-ops/drill-run@1';
  key: string;
  told: boolean;
  report: DrillReport;
}

export const drillRunKey = (ossPrefix: string, runKey: string): string => `${listPrefix(ossPrefix)}runs/${runKeyHash(`drill/${runKey}`)}.json`;

export async function readDrillRun(oss: OssPort, ossPrefix: string, runKey: string): Promise<DrillRun | undefined> {
  const text = await oss.getText(drillRunKey(ossPrefix, runKey));
  try {
    const r = text ? (JSON.parse(text) as DrillRun) : undefined;
    return r?.schema === 'gitlab-ask-ops/drill-run@1' && r.key === runKey ? r : undefined;
  } catch {
    // Garbled: as if there were none (a new drill).
    return undefined;
  }
}
