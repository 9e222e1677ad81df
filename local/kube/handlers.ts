import { parse as parseYaml } from 'yaml';
import { DecodeError } from '#shared/kube/typed-decode';
import { roundTrip } from './api-shapes';
import { serverSideApply } from './apply';
import { deleteOrMark } from './deletion';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { checkFields } from './field-validation';
import { decodeProtobuf } from './protobuf';
import { selfSubjectAccessReview, type KubeUser } from './rbac';
import { apiVersionOf } from './resources';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import { badRequest, methodNotAllowed, notFound, StatusError, unsupportedMediaType } from './status';
import type { KubeObject, KubeStore } from './store';
import type { LiveLog } from './kubelet/kubelet';
import { toTable, wantsTable } from './table';
import { createObject, updateObject, type Target } from './write';

/** A parsed resource request. */
export interface ResourceRequest extends Target {
  method: string;
  query: URLSearchParams;
  contentType: string;
  accept: string | undefined;
  body: Buffer;
  /** Who asks (SelfSubjectAccessReview answers for them). */
  user?: KubeUser;
}

/** Status code and JSON body of a response (or plain text: pods/log). */
export interface Reply {
  status: number;
  body: unknown;
  /** Sent as text/plain instead of `body` (a container's log). */
  text?: string;
  /** After `text`, stream this until it closes (`pods/log?follow=true` of a running container). */
  live?: LiveLog;
  /** `Warning` response headers (unknown fields under fieldValidation=Warn). */
  warnings?: string[];
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** Parse a create/update body: JSON, YAML, or protobuf for the built-in kinds typed client-go sends that way. */
function parseBody(r: ResourceRequest): KubeObject {
  if (r.contentType.startsWith('application/vnd.kubernetes.protobuf')) {
    if (!r.type.builtin) throw unsupportedMediaType(['application/json', 'application/yaml']);
    try {
      return decodeProtobuf(r.body) as KubeObject;
    } catch (e) {
      throw badRequest(`the object provided is unrecognized (must be of type protobuf): ${(e as Error).message}`);
    }
  }
  if (r.contentType.startsWith('application/yaml')) {
    try {
      return parseYaml(r.body.toString('utf8')) as KubeObject;
    } catch (e) {
      throw badRequest(`the object provided is unrecognized (must be of type YAML): ${(e as Error).message}`);
    }
  }
  return parseJson(r.body);
}

function parseJson(buf: Buffer): KubeObject {
  try {
    return JSON.parse(buf.toString('utf8')) as KubeObject;
  } catch (e) {
    throw badRequest(`the object provided is unrecognized (must be of type ${'JSON'}): ${(e as Error).message}`);
  }
}

function list(store: KubeStore, r: ResourceRequest): Reply {
  const t = r.type;
  const labels = r.query.get('labelSelector');
  const fields = r.query.get('fieldSelector');
  const lreq = labels ? parseLabelSelector(labels) : [];
  const freq = fields ? parseFieldSelector(fields, t.plural) : [];
  const items = store
    .list(t.plural, t.namespaced ? r.namespace : undefined)
    .filter((o) => matchLabels(lreq, o.metadata.labels as Record<string, string> | undefined) && matchFields(freq, o));
  if (wantsTable(r.accept)) return { status: 200, body: toTable(t, items, store.resourceVersion, r.query.get('includeObject'), store.now()) };
  // Typed lists of built-in kinds carry no per-item kind/apiVersion; custom resource lists do (as the real server).
  const shown = t.builtin ? items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest) : items;
  return { status: 200, body: { apiVersion: apiVersionOf(t), kind: t.listKind, metadata: { resourceVersion: store.resourceVersion }, items: shown } };
}

function patchBody(store: KubeStore, r: ResourceRequest, old: KubeObject | undefined): KubeObject {
  const ct = r.contentType.split(';')[0]!.trim();
  if (!PATCH_TYPES.includes(ct)) throw unsupportedMediaType(r.type.builtin ? PATCH_TYPES : PATCH_TYPES.filter((p) => !p.includes('strategic')));
  if (ct === 'application/apply-patch+yaml') {
    const manager = r.query.get('fieldManager');
    if (!manager) {
      throw new StatusError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
      });
    }
    const cfg = parseYaml(r.body.toString('utf8')) as KubeObject;
    return serverSideApply(old, cfg, manager, r.query.get('force') === 'true', store.now().toISOString().replace(/\.\d+Z$/, 'Z')) as KubeObject;
  }
  if (!old) throw notFound(r.type, r.name!);
  const p = parseJson(r.body);
  if (ct === 'application/json-patch+json') return jsonPatch(old, p) as KubeObject;
  if (ct === 'application/merge-patch+json') return mergePatch(old, p) as KubeObject;
  if (!r.type.builtin) throw unsupportedMediaType(PATCH_TYPES.filter((x) => !x.includes('strategic')));
  return strategicMergePatch(old, p) as KubeObject;
}

/** DELETE on a collection (deletecollection): every object the selectors match; answers the deleted list. */
function deleteCollection(store: KubeStore, r: ResourceRequest, dryRun: boolean): Reply {
  const listed = list(store, { ...r, accept: 'application/json' }).body as { items: KubeObject[] };
  const t = r.type;
  const items = listed.items.map((o) => (dryRun ? o : deleteOrMark(store, t, { ...o, apiVersion: apiVersionOf(t), kind: t.kind }).object));
  return { status: 200, body: { apiVersion: apiVersionOf(t), kind: t.listKind, metadata: { resourceVersion: store.resourceVersion }, items } };
}

/**
 * Decode through the kind's Go type, as kube-apiserver's codec does before anything else: a type mismatch is a 400
 * `<Kind> in version "v1" cannot be handled as a <Kind>: json: cannot unmarshal …` (real answers:
 * kubernetes-sigs/blob-csi-driver#2262, netbox-community/netbox-chart#1034); unknown fields and zero values go.
 */
function decode(r: ResourceRequest, body: KubeObject): KubeObject {
  try {
    return roundTrip(r.type.group, r.type.kind, body) as KubeObject;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    throw badRequest(`${r.type.kind} in version "${r.type.version}" cannot be handled as a ${r.type.kind}: ${e.message}`);
  }
}

/** Check unknown fields (fieldValidation), then decode. */
function admitBody(r: ResourceRequest, body: KubeObject): { body: KubeObject; warnings: string[] } {
  const warnings = checkFields(r.type, body, r.query.get('fieldValidation'));
  return { body: decode(r, body), warnings };
}

/** Serve one resource request against the store (the controllers react through store.onChange). */
export function handleResource(store: KubeStore, r: ResourceRequest): Reply {
  const t = r.type;
  const dryRun = r.query.get('dryRun') === 'All';
  if (t.plural === 'selfsubjectaccessreviews') {
    if (r.method !== 'POST' || r.name) throw methodNotAllowed();
    return { status: 201, body: selfSubjectAccessReview(store, r.user ?? { name: 'system:anonymous', groups: [] }, parseBody(r)) };
  }
  const old = r.name ? store.get(t.plural, r.name, r.namespace) : undefined;
  if (r.sub === 'log' && t.plural === 'pods' && r.method === 'GET') return podLog(store, r, old);
  if (r.sub && r.sub !== 'status') throw notFound(t, r.name ?? '');
  switch (r.method) {
    case 'GET': {
      if (!r.name) return list(store, r);
      if (!old) throw notFound(t, r.name);
      if (wantsTable(r.accept)) return { status: 200, body: toTable(t, [old], old.metadata.resourceVersion ?? '', r.query.get('includeObject'), store.now()) };
      return { status: 200, body: old };
    }
    case 'POST': {
      if (r.name) throw methodNotAllowed();
      const { body, warnings } = admitBody(r, parseBody(r));
      return { status: 201, body: createObject(store, r, body, dryRun), warnings };
    }
    case 'PUT': {
      if (!r.name) throw methodNotAllowed();
      if (!old) throw notFound(t, r.name);
      const { body, warnings } = admitBody(r, parseBody(r));
      return { status: 200, body: updateObject(store, r, old, body, dryRun), warnings };
    }
    case 'PATCH': {
      if (!r.name) throw methodNotAllowed();
      const { body: next, warnings } = admitBody(r, patchBody(store, r, old));
      if (!old) {
        if (r.sub) throw notFound(t, r.name);
        return { status: 201, body: createObject(store, r, next, dryRun), warnings };
      }
      return { status: 200, body: updateObject(store, r, old, next, dryRun), warnings };
    }
    case 'DELETE': {
      if (!r.name) return deleteCollection(store, r, dryRun);
      if (!old) throw notFound(t, r.name);
      if (dryRun) return { status: 200, body: old };
      if (t.plural === 'pods' && store.kubelet) {
        // A running pod is deleted gracefully: marked, its containers stopped, then removed (the kubelet's part).
        const marked = store.kubelet.terminate(old, graceOf(r, old));
        if (marked) return { status: 200, body: marked };
      }
      if (t.plural === 'namespaces') for (const nt of store.types().filter((x) => x.namespaced)) for (const o of store.list(nt.plural, r.name)) store.delete(nt.plural, o.metadata.name, r.name);
      // Finalizers (kubernetes.io/pv-protection, …) keep the object, marked, until their controller lets go.
      const { gone: removed, object: gone } = t.plural === 'namespaces' ? { gone: true, object: store.delete(t.plural, r.name)! } : deleteOrMark(store, t, old);
      if (removed && (t.plural === 'secrets' || t.plural === 'configmaps' || t.plural === 'events')) {
        return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: r.name, kind: t.plural, uid: gone.metadata.uid } } };
      }
      return { status: 200, body: gone };
    }
    default:
      throw methodNotAllowed();
  }
}

/** The grace period of a pod deletion: `?gracePeriodSeconds`, the DeleteOptions body's, else the pod's own (default 30). */
function graceOf(r: ResourceRequest, pod: KubeObject): number {
  const q = r.query.get('gracePeriodSeconds');
  let body: { gracePeriodSeconds?: number } = {};
  try {
    body = r.body.length ? (JSON.parse(r.body.toString('utf8')) as { gracePeriodSeconds?: number }) : {};
  } catch {
    // Not JSON (kubectl sends JSON DeleteOptions): the pod's own grace period applies.
  }
  const v = q !== null ? Number(q) : body.gracePeriodSeconds ?? Number((pod.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds ?? 30);
  return Number.isFinite(v) && v >= 0 ? v : 30;
}

/**
 * `GET pods/<name>/log` (the kubelet's, through the apiserver): text/plain, `tailLines` and `limitBytes` honoured;
 * 400 while the container has not started ("is waiting to start"), as the apiserver relays it.
 */
function podLog(store: KubeStore, r: ResourceRequest, pod: KubeObject | undefined): Reply {
  if (!pod) throw notFound(r.type, r.name ?? '');
  const num = (k: string): number | undefined => (r.query.get(k) !== null && Number.isFinite(Number(r.query.get(k))) ? Number(r.query.get(k)) : undefined);
  const tailLines = num('tailLines');
  const limitBytes = num('limitBytes');
  const follow = r.query.get('follow') === 'true';
  const out = store.kubelet?.logs(pod.metadata.namespace ?? 'default', pod.metadata.name, { ...(tailLines !== undefined ? { tailLines } : {}), ...(limitBytes !== undefined ? { limitBytes } : {}), follow });
  if (!out) throw badRequest(`container "${String(((pod.spec as { containers?: Array<{ name: string }> } | undefined)?.containers?.[0]?.name) ?? 'unknown')}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
  if ('status' in out) throw new StatusError(out.status, 'BadRequest', out.message);
  return { status: 200, body: undefined, text: out.text, ...('live' in out && out.live ? { live: out.live } : {}) };
}
