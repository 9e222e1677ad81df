import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { LocalRuntime } from '#local/runtime/local-runtime';
import { createKubePort } from '#shared/kube/create-kube-port';
import type { ImageCache } from '#shared/kube/port';
import { handleFaultRoute } from './fault-routes';
import { listen, sendJson, type Listening } from './http-util';
import type { FaultInfo, FaultRegistry } from './named-faults';

/** What the index page reads: the sandbox's URLs and env (GITLAB_URL/TOKEN, KUBE_SANDBOX_KUBECONFIG) and FC tasks. */
export interface IndexPageInput {
  urls: Record<string, string>;
  env: Record<string, string>;
  runtime: Pick<LocalRuntime, 'fc'>;
  /** The sandbox's named faults: listed on the page and served at /faults. */
  faults?: FaultRegistry;
}

interface Overview {
  links: Record<string, string>;
  projects: Array<{ id: number; path: string; url: string }>;
  imageCaches: Array<{ name: string; phase: string; images: string[]; created?: string }>;
  /** `source`: who queued it at FC (api, timer, http); `origin`: why — the webhook's hook, the timer's name. */
  tasks: Array<{ taskId: string; functionName: string; source: string; origin: string; status: string; attempts: number; enqueuedAt: string; summary?: string; error?: string }>;
  /** Active named faults (all of them: GET /faults). */
  faults: FaultInfo[];
  errors: string[];
}

/** Where a task came from, from its payload: `webhook: <hook reason>`, `timer <name>`, else FC's source. */
export function taskOrigin(source: string, payload: string): string {
  try {
    const p = JSON.parse(payload) as { source?: { kind?: string; reason?: string; id?: string }; triggerName?: string };
    if (p.source?.kind === 'webhook') return `webhook: ${p.source.reason ?? p.source.id ?? 'hook'}`;
    if (typeof p.triggerName === 'string') return `timer ${p.triggerName}`;
    if (p.source?.kind) return `${p.source.kind}${p.source.id ? ` ${p.source.id}` : ''}`;
  } catch {
    return source; // not JSON: FC's own record is all there is
  }
  return source;
}

/**
 * Only what answers a browser's GET is a link: the index, the outboxes (mail, DingTalk, Slack) and the hook deliveries. The rest are API
 * endpoints that want signed or authenticated requests (FC, CS, ECS, OSS, kube, GitLab API, the webhook's POST).
 */
function browsable(name: string, url: string): string | undefined {
  if (['index', 'outbox', 'outbox.json', 'dingtalk', 'dingtalk.json', 'slack', 'slack.json'].includes(name)) return url;
  if (name === 'gitlab-admin') return `${url}/deliveries`;
  return undefined;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Gather the overview; a part that cannot be read is listed in `errors` instead of failing the page. */
async function overview(i: IndexPageInput, kube: ReturnType<typeof createKubePort> | undefined): Promise<Overview> {
  const errors: string[] = [];
  const projects = await (async () => {
    if (!i.env.GITLAB_URL || !i.env.GITLAB_TOKEN) return [];
    const res = await fetch(`${i.env.GITLAB_URL}/api/v4/projects?per_page=100`, { headers: { 'PRIVATE-TOKEN': i.env.GITLAB_TOKEN } });
    if (!res.ok) throw new Error(`GitLab projects: HTTP ${res.status}`);
    return ((await res.json()) as Array<{ id: number; path_with_namespace: string; web_url: string }>).map((p) => ({ id: p.id, path: p.path_with_namespace, url: p.web_url }));
  })().catch((e: unknown) => (errors.push(String((e as Error).message ?? e)), []));
  const caches: ImageCache[] = kube ? await kube.listImageCaches().catch((e: unknown) => (errors.push(`ImageCaches: ${(e as Error).message}`), [])) : [];
  const tasks = i.runtime.fc.tasks().map((t) => {
    const r = t.result as { summary?: unknown } | undefined;
    return {
      taskId: t.taskId, functionName: t.functionName, source: t.source, origin: taskOrigin(t.source, t.payload), status: t.status, attempts: t.attempts, enqueuedAt: t.enqueuedAt,
      ...(typeof r?.summary === 'string' ? { summary: r.summary } : {}),
      ...(t.error ? { error: `${t.error.errorType}: ${t.error.errorMessage}` } : {}),
    };
  });
  return {
    links: i.urls,
    projects,
    imageCaches: caches.map((c) => ({ name: c.metadata.name, phase: c.status?.phase ?? 'Pending', images: c.spec.images, ...(c.metadata.creationTimestamp ? { created: String(c.metadata.creationTimestamp) } : {}) })),
    tasks: tasks.reverse(),
    faults: i.faults?.active() ?? [],
    errors,
  };
}

/** A task id cut to 24 characters, the full id on hover. */
const shortId = (id: string): string => (id.length > 24 ? `<span title="${esc(id)}">${esc(id.slice(0, 23))}…</span>` : esc(id));

function sendHtml(res: ServerResponse, o: Overview): void {
  const table = (head: string[], rows: string[][]): string =>
    rows.length ? `<table><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>` : '<p>none yet</p>';
  const a = (href: string, text = href): string => `<a href="${esc(href)}">${esc(text)}</a>`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>gitlab-ask-ops sandbox</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}.err{color:#b00}</style>
</head><body><h1>gitlab-ask-ops sandbox</h1>
${o.errors.map((e) => `<p class="err">${esc(e)}</p>`).join('')}
<h2>Active faults</h2>${table(['fault', 'what breaks', 'left', 'arg', 'since'], o.faults.map((f) => [`<b class="err">${esc(f.name)}</b>`, esc(f.description), f.remaining === undefined ? 'until cleared' : String(f.remaining), esc(f.arg ?? ''), esc(f.since ?? '')]))}<p>Set and clear with <code>npm run -s ops -- sandbox fault</code> (list: ${a('/faults', '/faults')}).</p>
<h2>Links</h2><ul>${Object.entries(o.links).map(([k, v]) => { const href = browsable(k, v); return `<li>${esc(k)}: ${href ? a(href) : `<code>${esc(v)}</code> (API endpoint)`}</li>`; }).join('')}</ul>
<h2>FC async tasks (newest first)</h2>${table(['task', 'function', 'source', 'status', 'attempts', 'queued', 'result'], o.tasks.map((t) => [shortId(t.taskId), esc(t.functionName), esc(t.origin), esc(t.status), String(t.attempts), esc(t.enqueuedAt), esc(t.summary ?? t.error ?? '')]))}
<h2>ImageCaches (kube emulator)</h2>${table(['name', 'phase', 'images'], o.imageCaches.map((c) => [esc(c.name), esc(c.phase), c.images.map(esc).join('<br>')]))}
<h2>GitLab projects</h2>${table(['id', 'path'], o.projects.map((p) => [String(p.id), esc(p.path)]))}
<p>${a('/index.json', 'index.json')}</p></body></html>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(html)) });
  res.end(html);
}

/**
 * The sandbox's front page: `GET /` links every emulator (outbox, GitLab, kube, ...) and shows the FC async tasks, the
 * ImageCaches the kube emulator holds (read through the same client-node port the worker uses) and GitLab's
 * projects, plus the active named faults; `GET /index.json` is the same as JSON; `/faults` manages the faults.
 */
export async function startIndexPage(i: IndexPageInput): Promise<Listening> {
  const path = i.env.KUBE_SANDBOX_KUBECONFIG;
  const kube = path ? createKubePort({ kubeconfigYaml: () => readFile(path, 'utf8'), timeoutMs: 5_000 }) : undefined;
  return listen(async (req, res) => {
    const p = (req.url ?? '/').split('?')[0] ?? '/';
    if (i.faults && (await handleFaultRoute(i.faults, req, res, p))) return;
    if (req.method !== 'GET') return sendJson(res, 405, { message: 'GET only' });
    if (p === '/index.json') return sendJson(res, 200, await overview(i, kube));
    if (p === '/') return sendHtml(res, await overview(i, kube));
    sendJson(res, 404, { message: 'GET / or /index.json' });
  });
}
