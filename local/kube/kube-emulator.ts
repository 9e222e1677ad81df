import type { IncomingMessage, ServerResponse } from 'node:http';
import { Faults } from '#local/sandbox/faults';
import { listen, readBody, sendJson } from '#local/sandbox/http-util';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery';
import { startEciController, type EciOptions } from './eci-controller';
import { handleResource } from './handlers';
import { openapi } from './openapi';
import { syncVolumes } from './pv-binder';
import { route } from './router';
import { pathNotFound, StatusError, unauthorized } from './status';
import { KubeStore } from './store';
import { listenTls } from './tls';
import { isWatch, serveWatch } from './watch';

/** Options of startKubeEmulator. */
export interface KubeEmulatorOptions {
  /** 0 (default) = random port. */
  port?: number;
  /** Bearer token the server requires (default a fixed sandbox token). */
  token?: string;
  eci?: EciOptions;
  /** Run the PV binder (default true). */
  binder?: boolean;
  /**
   * Serve https with a self-signed certificate (kubeconfig keeps insecure-skip-tls-verify). Needed for kubectl and
   * helm, which send the bearer token only over TLS; client-node works either way.
   */
  tls?: boolean;
}

/** A running emulator. */
export interface KubeEmulator {
  url: string;
  /** Kubeconfig YAML pointing at this server (insecure-skip-tls-verify, bearer token). */
  kubeconfig: string;
  token: string;
  faults: Faults;
  /** Direct access for tests: get/list/put/delete without HTTP. */
  store: KubeStore;
  /** Requests served, by `"<METHOD> <path>"` (faulted ones included). */
  calls: Record<string, number>;
  resetCalls(): void;
  close(): Promise<void>;
}

/** Kubeconfig for `server` with a bearer token; plain http needs insecure-skip-tls-verify for client-node (facts §1.2). */
export function emulatorKubeconfig(server: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: sandbox',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: sandbox-admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: sandbox',
    '  context:',
    '    cluster: sandbox',
    '    user: sandbox-admin',
    '    namespace: default',
    'current-context: sandbox',
    '',
  ].join('\n');
}

/**
 * Start the Kubernetes API emulator: discovery, CRUD with metav1.Status errors, selectors, Table output, all patch
 * types, plus the PV binder and ECI ImageCache controllers. kubectl and helm run against it (test/integration/kube).
 * @example const k = await startKubeEmulator({ eci: { readyAfterMs: 10 } }); … await k.close();
 */
export async function startKubeEmulator(opts: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
  const token = opts.token ?? 'sandbox-kube-token';
  const store = new KubeStore();
  const faults = new Faults();
  const calls: Record<string, number> = {};
  const stopEci = startEciController(store, opts.eci);
  let syncing = false;
  const offBinder =
    opts.binder === false
      ? () => undefined
      : store.onChange((c) => {
          if (syncing || (c.resource.plural !== 'persistentvolumes' && c.resource.plural !== 'persistentvolumeclaims')) return;
          syncing = true;
          try {
            syncVolumes(store);
          } finally {
            syncing = false;
          }
        });
  let hostPort = '';

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const k = `${method} ${url.pathname}`;
    calls[k] = (calls[k] ?? 0) + 1;
    try {
      if (req.headers.authorization !== `Bearer ${token}`) throw unauthorized();
      if (await faults.apply(req, res)) return;
      const r = route(url.pathname, store.types());
      if (r.kind === 'root') {
        const body = r.path === '/version' ? SERVER_VERSION : r.path === '/api' ? apiVersions(hostPort) : r.path === '/apis' ? apiGroupList(store.types()) : openapi(r.path, store.types());
        if (body === undefined) throw pathNotFound();
        return sendJson(res, 200, body);
      }
      if (r.kind === 'group') return reply(res, apiGroup(store.types(), r.group));
      if (r.kind === 'resources') return reply(res, apiResourceList(store.types(), r.group, r.version));
      if (r.kind === 'unknown') throw pathNotFound();
      const rr = { ...r, method, query: url.searchParams, contentType: String(req.headers['content-type'] ?? 'application/json'), accept: req.headers.accept, body: await readBody(req) };
      if (isWatch(rr)) return serveWatch(store, rr, res);
      const out = handleResource(store, rr);
      // The apiserver's RFC 7234 warning form; kubectl prints each as "Warning: <text>".
      if (out.warnings?.length) res.setHeader('Warning', out.warnings.map((w) => `299 - ${JSON.stringify(w)}`));
      sendJson(res, out.status, out.body);
    } catch (e) {
      if (e instanceof StatusError) return sendJson(res, e.code, e.toStatus());
      throw e;
    }
  };

  const l = opts.tls ? await listenTls(handler, opts.port ?? 0) : await listen(handler, opts.port ?? 0);
  hostPort = `127.0.0.1:${l.port}`;
  return {
    url: l.url,
    kubeconfig: emulatorKubeconfig(l.url, token),
    token,
    faults,
    store,
    calls,
    resetCalls: () => {
      for (const key of Object.keys(calls)) delete calls[key];
    },
    close: async () => {
      stopEci();
      offBinder();
      await l.close();
    },
  };
}

function reply(res: ServerResponse, body: unknown): void {
  if (body === undefined) throw pathNotFound();
  sendJson(res, 200, body);
}
