import type { Env } from '#shared/config/index';

/** A GitLab API answer: status and parsed JSON (undefined for a non-JSON body). */
export interface GitlabAnswer {
  status: number;
  body: unknown;
  nextPage?: string;
  /** `x-total`, when GitLab sends it (it leaves it out past 10,000 rows). */
  total?: number;
}

/** GitLab's own message from an error body (`message` or `error`), or the status alone. */
export function gitlabWhy(a: GitlabAnswer): string {
  const b = a.body as { message?: unknown; error?: unknown } | undefined;
  const m = b?.message ?? b?.error;
  return `${a.status}${m ? ` ${typeof m === 'string' ? m : JSON.stringify(m)}` : ''}`;
}

/**
 * `GET /api/v4<path>` with a token (`PRIVATE-TOKEN`), bounded by GITLAB_TIMEOUT_MS: the doctor's reads that the
 * product's port has no method for (version, hooks). Network failures reject; every HTTP answer resolves.
 */
export async function gitlabGet(env: Env, path: string, token: string): Promise<GitlabAnswer> {
  const res = await fetch(`${env.GITLAB_URL}/api/v4${path}`, { headers: { 'PRIVATE-TOKEN': token, accept: 'application/json' }, signal: AbortSignal.timeout(env.GITLAB_TIMEOUT_MS) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined; // an HTML error page from a proxy: the status speaks
  }
  const next = res.headers.get('x-next-page');
  const total = res.headers.get('x-total');
  return { status: res.status, body, ...(next ? { nextPage: next } : {}), ...(total && /^\d+$/.test(total) ? { total: Number(total) } : {}) };
}

/** Every page of a list (`per_page=100`, following `x-next-page`, at most 20 pages). */
export async function gitlabList(env: Env, path: string, token: string): Promise<{ status: number; items: Array<Record<string, unknown>>; answer: GitlabAnswer }> {
  const items: Array<Record<string, unknown>> = [];
  let page = '1';
  for (let i = 0; i < 20; i++) {
    const a = await gitlabGet(env, `${path}${path.includes('?') ? '&' : '?'}per_page=100&page=${page}`, token);
    if (a.status !== 200 || !Array.isArray(a.body)) return { status: a.status, items, answer: a };
    items.push(...(a.body as Array<Record<string, unknown>>));
    if (!a.nextPage) return { status: 200, items, answer: a };
    page = a.nextPage;
  }
  return { status: 200, items, answer: { status: 200, body: undefined } };
}
