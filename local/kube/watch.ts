import type { ServerResponse } from 'node:http';
import type { ResourceRequest } from './handlers';
import { apiVersionOf } from './resources';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import { StatusError } from './status';
import type { KubeObject, KubeStore, StoreChange } from './store';
import { toTable, wantsTable } from './table';

/** Is this a watch request (`?watch=true` or `=1` on a collection)? */
export const isWatch = (r: ResourceRequest): boolean => r.method === 'GET' && !r.name && ['true', '1'].includes(r.query.get('watch') ?? '');

/**
 * Serve a watch as newline-delimited JSON events, as the apiserver does: without a resourceVersion (or "0") first an
 * ADDED per current object, then live changes; with one, the changes after it from the store's history (410 Expired
 * as an ERROR event when it is too old). Selector semantics follow the watch cache: an object that starts or stops
 * matching shows up as ADDED or DELETED. Ends after `timeoutSeconds`, or when the emulator closes.
 */
export function serveWatch(store: KubeStore, r: ResourceRequest, res: ServerResponse): void {
  const t = r.type;
  const lreq = parseLabelSelector(r.query.get('labelSelector') ?? '');
  const freq = parseFieldSelector(r.query.get('fieldSelector') ?? '', t.plural);
  const table = wantsTable(r.accept);
  const matches = (o: KubeObject | undefined) =>
    !!o && (!t.namespaced || r.namespace === undefined || o.metadata.namespace === r.namespace) && matchLabels(lreq, o.metadata.labels as Record<string, string> | undefined) && matchFields(freq, o);
  const show = (o: KubeObject): unknown => {
    const full = { ...o, apiVersion: apiVersionOf(t), kind: t.kind };
    return table ? toTable(t, [full], o.metadata.resourceVersion ?? '', r.query.get('includeObject'), store.now()) : full;
  };
  const send = (type: string, o: KubeObject) => res.write(`${JSON.stringify({ type, object: show(o) })}\n`);
  const onChange = (c: StoreChange) => {
    if (c.resource.plural !== t.plural || c.resource.group !== t.group) return;
    const before = c.type === 'ADDED' ? false : matches(c.type === 'MODIFIED' ? c.old : c.object);
    const now = c.type !== 'DELETED' && matches(c.object);
    if (now) send(before ? 'MODIFIED' : 'ADDED', c.object);
    else if (before) send('DELETED', c.object);
  };

  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
  res.flushHeaders(); // clients start reading the stream on the headers; Node would hold them until the first event
  const rv = r.query.get('resourceVersion');
  if (!rv || rv === '0') {
    for (const o of store.list(t.plural, t.namespaced ? r.namespace : undefined)) if (matches(o)) send('ADDED', o);
  } else {
    const past = store.changesSince(Number(rv));
    if (!past) {
      const gone = new StatusError(410, 'Expired', `too old resource version: ${rv} (${store.resourceVersion})`);
      res.end(`${JSON.stringify({ type: 'ERROR', object: gone.toStatus() })}\n`);
      return;
    }
    past.forEach(onChange);
  }
  const off = store.onChange(onChange);
  const secs = Number(r.query.get('timeoutSeconds') ?? 1800);
  const timer = setTimeout(() => res.end(), secs * 1000);
  timer.unref();
  res.on('close', () => {
    off();
    clearTimeout(timer);
  });
}
