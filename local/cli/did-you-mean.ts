/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `input`, if it is close enough to be a typo: at most 1 edit for short words, 2 from 6
 * characters on (dashes of flags not counted), or a unique candidate that starts with the input (`inv` → `invoke`).
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const bare = input.replace(/^-+/, '');
  if (!bare) return undefined;
  const limit = bare.length >= 6 ? 2 : 1;
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d <= limit && (!best || d < best.d)) best = { c, d };
  }
  if (best) return best.c;
  const prefixed = candidates.filter((c) => bare.length >= 2 && c.replace(/^-+/, '').startsWith(bare));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `unknown command "plna" (did you mean "plan"?)` — the hint only when there is one. */
export function unknownMessage(what: string, input: string, candidates: readonly string[]): string {
  const hint = didYouMean(input, candidates);
  return `unknown ${what} "${input}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
}
