import type { IncomingMessage, ServerResponse } from 'node:http';
import { Faults } from '#local/sandbox/faults';
import { listen, readBody, sendJson } from '#local/sandbox/http-util';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery';
import { startEciController, type EciOptions } from './eci-controller';
import { startKubelet, type KubeletOptions } from './kubelet/kubelet';
import { handleResource } from './handlers';
import { openapi } from './openapi';
import { allowedBy, forbidden, type Attributes, type KubeUser } from './rbac';
import { route, type Route } from './router';
import { pathNotFound, StatusError, unauthorized } from './status';
import { KubeStore, type KubeObject } from './store';
import { listenTls } from './tls';
import { startVolumeControllers, type VolumeControllerOptions } from './volume-controllers';
import { isWatch, serveWatch } from './watch';
import { createObject } from './write';

/** kube-apiserver's request body limit (3 MiB, apiserver MaxRequestBodyBytes). */
const MAX_BODY = 3 * 1024 * 1024;

/** Options of startKubeEmulator. */
export interface KubeEmulatorOptions {
  /** 0 (default) = random port. */
  port?: number;
  /** Bearer token of the all-powerful admin user (group system:masters; default a fixed sandbox token). */
  token?: string;
  /** Further identities, authorized by RBAC objects in the store (the functions' restricted kubeconfig). */
  users?: Array<{ token: string; name: string; groups?: string[] }>;
  eci?: EciOptions;
  /** Run the PV binder (default true). */
  binder?: boolean;
  /** The binder and protection controllers: on/off and their asynchronous delay. */
  volumes?: Omit<VolumeControllerOptions, 'binder'>;
  /** Run pods (created without a nodeName) on the virtual node's kubelet: the restore drill's pod (kubelet/kubelet.ts). */
  kubelet?: KubeletOptions;
  /**
   * Serve https with a self-signed certificate (kubeconfig keeps insecure-skip-tls-verify). Needed for kubectl and
   * helm, which send the bearer token only over TLS; client-node works either way.
   */
  tls?: boolean;
}

/** A running emulator. */
export interface KubeEmulator {
  url: string;
  /** Kubeconfig YAML pointing at this server (insecure-skip-tls-verify, the admin's bearer token). */
  kubeconfig: string;
  /** Kubeconfig for one of `users` (by token). */
  kubeconfigFor(token: string, userName?: string): string;
  token: string;
  faults: Faults;
  /** Direct access for tests: get/list/put/delete without HTTP (put skips admission and validation). */
  store: KubeStore;
  /** Create as an admin's POST would (admission, validation, decoding), without HTTP; throws StatusError. */
  create(o: KubeObject): KubeObject;
  /** Requests served, by `"<METHOD> <path>"` (faulted ones included). */
  calls: Record<string, number>;
  resetCalls(): void;
  close(): Promise<void>;
}

/**
 * Kubeconfig for `server` with a bearer token; plain http needs insecure-skip-tls-verify for client-node ("HTTP
 * protocol is not allowed when skipTLSVerify is not set or false",
 * https://github.com/kubernetes-client/javascript/blob/1.4.0/src/config.ts).
 */
export function emulatorKubeconfig(server: string, token: string, userName = 'sandbox-admin'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: sandbox',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${userName}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: sandbox',
    '  context:',
    '    cluster: sandbox',
    `    user: ${userName}`,
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
  const stopVolumes = startVolumeControllers(store, { ...opts.volumes, ...(opts.binder === false ? { binder: false } : {}) });
  const kubelet = opts.kubelet ? startKubelet(store, opts.kubelet) : undefined;
  if (kubelet) store.kubelet = kubelet.hooks;
  const users = new Map<string, KubeUser>([[token, { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] }]]);
  for (const u of opts.users ?? []) users.set(u.token, { name: u.name, groups: [...(u.groups ?? []), 'system:authenticated'] });
  let hostPort = '';

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const k = `${method} ${url.pathname}`;
    calls[k] = (calls[k] ?? 0) + 1;
    try {
      const user = users.get(String(req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!user) throw unauthorized();
      if (await faults.apply(req, res)) return;
      const r = route(url.pathname, store.types());
      const attrs = attributesOf(r, method, url);
      if (!allowedBy(store, user, attrs)) throw forbidden(user, attrs);
      if (r.kind === 'root') {
        const body = r.path === '/version' ? SERVER_VERSION : r.path === '/api' ? apiVersions(hostPort) : r.path === '/apis' ? apiGroupList(store.types()) : openapi(r.path, store.types());
        if (body === undefined) throw pathNotFound();
        return sendJson(res, 200, body);
      }
      if (r.kind === 'group') return reply(res, apiGroup(store.types(), r.group));
      if (r.kind === 'resources') return reply(res, apiResourceList(store.types(), r.group, r.version));
      if (r.kind === 'unknown') throw pathNotFound();
      const body = await readBody(req);
      if (body.length > MAX_BODY) throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY}`);
      const rr = { ...r, method, query: url.searchParams, contentType: String(req.headers['content-type'] ?? 'application/json'), accept: req.headers.accept, body, user };
      if (isWatch(rr)) return serveWatch(store, rr, res);
      const out = handleResource(store, rr);
      // The apiserver's RFC 7234 warning form; kubectl prints each as "Warning: <text>".
      if (out.warnings?.length) res.setHeader('Warning', out.warnings.map((w) => `299 - ${JSON.stringify(w)}`));
      if (out.text !== undefined && out.live) {
        // Follow: what is there, then each piece as the container writes it, until its output closes (or the client
        // goes). Subscribed in the same tick as the log was read, so nothing falls between the two.
        const live = out.live;
        res.writeHead(out.status, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
        if (out.text) res.write(out.text);
        const off = live.follow((t) => res.write(t));
        res.on('close', off);
        void live.closed.then(() => {
          off();
          res.end();
        });
        return;
      }
      if (out.text !== undefined) {
        res.writeHead(out.status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(out.text) });
        res.end(out.text);
        return;
      }
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
    kubeconfigFor: (t, userName) => emulatorKubeconfig(l.url, t, userName ?? users.get(t)?.name ?? 'sandbox-user'),
    token,
    faults,
    store,
    create: (o) => {
      const [group, version] = o.apiVersion?.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
      const type = store.types().find((t) => t.group === group && t.version === version && t.kind === o.kind);
      if (!type) throw new Error(`no resource type for ${o.apiVersion} ${o.kind}`);
      return createObject(store, { type, ...(type.namespaced ? { namespace: o.metadata.namespace ?? 'default' } : {}) }, o, false);
    },
    calls,
    resetCalls: () => {
      for (const key of Object.keys(calls)) delete calls[key];
    },
    close: async () => {
      stopEci();
      stopVolumes();
      kubelet?.stop();
      await l.close();
    },
  };
}

/** The authorizer's view of a request (apiserver RequestInfo): verb from method and path, resource or plain path. */
function attributesOf(r: Route, method: string, url: URL): Attributes {
  if (r.kind !== 'resource') return { path: url.pathname, verb: method.toLowerCase() };
  const collection = r.name === undefined;
  const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  const verbs: Record<string, string> = { GET: collection ? (watch ? 'watch' : 'list') : 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: collection ? 'deletecollection' : 'delete' };
  const namespace = r.type.plural === 'namespaces' ? r.name : r.namespace;
  return { verb: verbs[method] ?? method.toLowerCase(), group: r.type.group, resource: r.type.plural, ...(r.sub ? { subresource: r.sub } : {}), ...(namespace ? { namespace } : {}), ...(r.name ? { name: r.name } : {}) };
}

function reply(res: ServerResponse, body: unknown): void {
  if (body === undefined) throw pathNotFound();
  sendJson(res, 200, body);
}
