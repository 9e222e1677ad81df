import type { ReconcileReport } from './build-report';
import type { FieldDiff } from './types';

/** JSON with object keys sorted, so a live and a desired value print in the same order. */
const sorted = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
const show = (v: unknown): string => (v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(sorted(v)));

/** Line diff of two texts (LCS), `-`/`+`/` ` prefixed: how helm-diff shows a changed runners.config block. */
export function lineDiff(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const L: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i]![j] = x[i] === y[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      out.push(`  ${x[i]}`);
      i++;
      j++;
    } else if (i < n && (j === m || L[i + 1]![j]! >= L[i]![j + 1]!)) out.push(`- ${x[i++]}`);
    else out.push(`+ ${y[j++]}`);
  }
  return out;
}

/** One field diff as `-`/`+` lines (live first, like `helmfile diff`). */
export function renderFieldDiff(d: FieldDiff): string[] {
  if (typeof d.live === 'string' && typeof d.desired === 'string' && (d.live.includes('\n') || d.desired.includes('\n'))) {
    return [`  ${d.path}:`, ...lineDiff(d.live, d.desired).filter((l, i, all) => !l.startsWith('  ') || all.slice(Math.max(0, i - 2), i + 3).some((c) => !c.startsWith('  '))).map((l) => `  ${l}`)];
  }
  return [`- ${d.path}: ${show(d.live)}`, `+ ${d.path}: ${show(d.desired)}`];
}

/** The report as `ops plan` prints it: a helmfile-diff-like block per object that is not Synced, then a summary. */
export function renderReportText(r: ReconcileReport): string {
  const lines: string[] = [`Comparing desired state ${r.source}${r.dryRun ? ' (plan only)' : ''}`];
  for (const o of r.objects) {
    if (o.state === 'Synced' && !o.reasons.length) continue;
    lines.push('', `${o.target}  ${o.state}`);
    for (const why of o.reasons) lines.push(`  # ${why}`);
    for (const d of o.diff ?? []) lines.push(...renderFieldDiff(d));
  }
  const synced = r.objects.filter((o) => o.state === 'Synced' && !o.reasons.length).map((o) => o.target);
  if (synced.length) lines.push('', `Synced: ${synced.join(', ')}`);
  lines.push('', r.summary);
  return lines.join('\n');
}
