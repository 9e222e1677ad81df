import type { GitlabPort } from '#shared/gitlab/api/index';
import { toAppError } from '#shared/errors/index';
import type { RestoredCounts } from '#shared/restore/script/index';
import type { DrillCheck, DrillCounts } from './drill-report';

/** GitLab's application statistics are exact below this (doc/api/statistics.md); above, approximate. */
const EXACT_BELOW = 10_000;
const ADMIN_FIX = 'set DRILL_GITLAB_TOKEN to an administrator\'s read_api token (GET /application/statistics is admin-only)';

/** Equal, or within 2 % where GitLab counts approximately. */
const same = (a: number, b: number): boolean => a === b || (Math.max(a, b) >= EXACT_BELOW && Math.abs(a - b) <= 0.02 * Math.max(a, b));

/**
 * Compare what the drill restored with the live instance through the GitLab API (docs/adr/0026): the counts of
 * projects, users and groups (`GET /application/statistics`: an administrator's token; without one the counts are
 * `skipped` and the reason says so), and each sampled repository's HEAD (`GET …/repository/branches/:branch`, Reporter
 * on private projects). Live data moves on after a backup: a count that differs is `differs`, a HEAD the live branch
 * has moved past is `ok` when the live repository knows the restored commit. Failing: an empty restore of a non-empty
 * instance, a restored HEAD the live repository does not know, a repository that came back without its HEAD.
 */
export async function compareLive(gitlab: Pick<GitlabPort, 'instanceCounts' | 'branchHead' | 'hasCommit'> | undefined, c: RestoredCounts, since: string | undefined): Promise<{ checks: DrillCheck[]; counts: DrillCounts }> {
  const checks: DrillCheck[] = [];
  let live: { projects: number; users: number; groups: number } | undefined;
  let why = 'no GitLab API configured';
  if (gitlab?.instanceCounts) {
    try {
      live = await gitlab.instanceCounts();
    } catch (e) {
      const err = toAppError(e);
      why = err.details?.httpStatus === 403 ? `the token is not an administrator's (${ADMIN_FIX})` : `GET /application/statistics failed: ${err.message}`;
    }
  }
  const counts: DrillCounts = { projects: { restored: c.projects, live: live?.projects ?? null }, users: { restored: c.users, live: live?.users ?? null }, groups: { restored: c.groups, live: live?.groups ?? null }, repositories: [] };
  for (const k of ['projects', 'users', 'groups'] as const) {
    const { restored, live: l } = counts[k];
    if (l === null) checks.push({ id: `counts.${k}`, status: 'skipped', detail: `restored ${restored}; live not compared: ${why}` });
    else if (same(restored, l)) checks.push({ id: `counts.${k}`, status: 'ok', detail: `${restored} restored, ${l} live` });
    else if (restored === 0 && l > 0) checks.push({ id: `counts.${k}`, status: 'failed', detail: `the restored instance has no ${k}; the live one has ${l}` });
    else checks.push({ id: `counts.${k}`, status: 'differs', detail: `${restored} restored, ${l} live (changes since the backup${since ? ` of ${since}` : ''})` });
  }
  for (const r of c.repositories) {
    let status: DrillCheck['status'];
    let liveHead: string | null = null;
    let detail: string;
    try {
      liveHead = r.branch && gitlab?.branchHead ? ((await gitlab.branchHead(r.path, r.branch)) ?? null) : null;
      if (!gitlab?.branchHead) [status, detail] = ['skipped', why];
      else if (!r.sha) [status, detail] = liveHead ? ['failed', `restored without a HEAD; live ${r.branch} is ${liveHead.slice(0, 12)}`] : ['ok', 'empty, as live'];
      else if (liveHead === r.sha) [status, detail] = ['ok', `HEAD ${r.sha.slice(0, 12)} as live`];
      else if (gitlab.hasCommit && (await gitlab.hasCommit(r.path, r.sha))) [status, detail] = ['ok', `HEAD ${r.sha.slice(0, 12)} is known live; ${r.branch} moved on to ${liveHead?.slice(0, 12) ?? '?'} since the backup`];
      else [status, detail] = ['failed', `restored HEAD ${r.sha.slice(0, 12)} is unknown to the live repository`];
    } catch (e) {
      [status, detail] = ['skipped', `the live repository could not be read: ${toAppError(e).message}`];
    }
    counts.repositories.push({ path: r.path, branch: r.branch, restored: r.sha, live: liveHead, status });
    checks.push({ id: `head ${r.path}`, status, detail });
  }
  return { checks, counts };
}
