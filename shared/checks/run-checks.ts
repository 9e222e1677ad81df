import type { Check, CheckOutcome, CheckResult } from './check-result';

/** Options of `runChecks`; `now` is the millisecond clock used for timing (tests pass a fake one). */
export interface RunChecksOptions {
  now?: () => number;
}

/**
 * Run checks concurrently and collect one result per check, in input order. A check that throws is `failed` with
 * the cause (never a crash of the whole run); a check whose `needs` did not all come out `ok` is `skipped`.
 * @example
 * const results = await runChecks([agentCheck(ecs, id), ossReadCheck(oss, prefix)]);
 * const bad = results.filter((r) => r.status === 'failed');
 */
export async function runChecks(checks: readonly Check[], o: RunChecksOptions = {}): Promise<CheckResult[]> {
  const now = o.now ?? (() => performance.now());
  const byId = new Map<string, Promise<CheckResult>>();
  const ids = new Set(checks.map((c) => c.id));
  const start = (c: Check, path: readonly string[]): Promise<CheckResult> => {
    const known = byId.get(c.id);
    if (known) return known;
    const p = (async (): Promise<CheckResult> => {
      for (const need of c.needs ?? []) {
        const dep = checks.find((x) => x.id === need);
        if (!dep || !ids.has(need)) return result(c, { status: 'skipped', detail: `needs ${need}, which is not part of this run` }, 0);
        if (path.includes(need)) return result(c, { status: 'failed', detail: `circular dependency ${[...path, c.id, need].join(' → ')}` }, 0);
        const r = await start(dep, [...path, c.id]);
        if (r.status !== 'ok') return result(c, { status: 'skipped', detail: `skipped: ${need} is ${r.status}` }, 0);
      }
      const t0 = now();
      let outcome: CheckOutcome;
      try {
        outcome = await c.run();
      } catch (e) {
        outcome = { status: 'failed', detail: `the check itself failed: ${e instanceof Error ? e.message : String(e)}` };
      }
      return result(c, outcome, now() - t0);
    })();
    byId.set(c.id, p);
    return p;
  };
  return Promise.all(checks.map((c) => start(c, [])));
}

function result(c: Check, o: CheckOutcome, elapsedMs: number): CheckResult {
  return { id: c.id, service: c.service, status: o.status, detail: o.detail, ...(o.fix ? { fix: o.fix } : {}), elapsedMs: Math.round(elapsedMs) };
}
