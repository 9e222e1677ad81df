import { randomBytes } from 'node:crypto';
import { admitCreate, checkFinalizerUpdate } from './admission';
import { prune, validateAgainstSchema } from './crd-validation';
import { removeIfFinalized } from './deletion';
import { dataCauses, metaCauses, type NameRule } from './meta-validation';
import { clone, deepEqual } from './patch';
import { apiVersionOf, type ResourceType } from './resources';
import { alreadyExists, badRequest, conflict, invalid, notFound, type StatusCause } from './status';
import type { KubeObject, KubeStore } from './store';
import { applyCreateDefaults, normalizeSecret, validateObject, validateUpdate } from './validation';

/** Where a write goes: the object's type, its namespace from the URL, and the subresource (`status`) if any. */
export interface Target {
  type: ResourceType;
  namespace?: string;
  name?: string;
  sub?: string;
}

function checkIdentity(tg: Target, body: KubeObject): void {
  const want = apiVersionOf(tg.type);
  if (body.apiVersion !== undefined && body.apiVersion !== want) {
    throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${want})`);
  }
  if (body.kind !== undefined && body.kind !== tg.type.kind) {
    throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${tg.type.kind})`);
  }
  const ns = body.metadata?.namespace;
  if (tg.type.namespaced && ns !== undefined && ns !== '' && ns !== tg.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

const nameRule = (t: ResourceType): NameRule => (t.plural === 'namespaces' ? 'label' : t.group === 'rbac.authorization.k8s.io' ? 'segment' : 'subdomain');

/**
 * Everything that validates an object on create and update: ObjectMeta (name, labels, annotations), the 1 MiB data
 * limit of ConfigMaps and Secrets, the PV/PVC field rules, and a custom resource's schema (after pruning the fields
 * it does not declare). Throws one 422 with every cause, as the apiserver aggregates them.
 */
function validateAll(t: ResourceType, o: KubeObject): void {
  const causes: StatusCause[] = [...metaCauses(o, nameRule(t))];
  if (t.plural === 'configmaps' || t.plural === 'secrets') causes.push(...dataCauses(t.plural, o));
  if (t.schema) {
    prune(t.schema, o);
    causes.push(...validateAgainstSchema(t.schema, o));
  }
  if (causes.length) throw invalid(t, o.metadata.name, causes);
  validateObject(t, o);
}

/** Validate and store a new object (POST, or apply/PUT-less create). Throws Status errors. */
export function createObject(store: KubeStore, tg: Target, input: unknown, dryRun: boolean): KubeObject {
  const body = clone(input) as KubeObject;
  if (typeof body !== 'object' || body === null || typeof body.metadata !== 'object') body.metadata = {} as KubeObject['metadata'];
  checkIdentity(tg, body);
  const t = tg.type;
  const md = body.metadata;
  if (!md.name && typeof md.generateName === 'string') md.name = `${md.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
  if (!md.name) throw invalid(t, '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
  if (tg.name !== undefined && tg.name !== md.name) throw badRequest('the name of the object does not match the name on the URL');
  if (t.namespaced) {
    md.namespace = tg.namespace;
    if (!store.get('namespaces', tg.namespace!)) throw notFound(store.type('namespaces')!, tg.namespace!);
  }
  if (store.get(t.plural, md.name, tg.namespace)) throw alreadyExists(t, md.name);
  body.apiVersion = apiVersionOf(t);
  body.kind = t.kind;
  for (const k of ['resourceVersion', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) delete md[k];
  if (t.statusSubresource) delete body.status;
  if (t.generation) md.generation = 1;
  applyCreateDefaults(t, body);
  admitCreate(store, t.plural, body);
  validateAll(t, body);
  return dryRun ? body : store.put(body);
}

/**
 * Store a new version of an existing object (PUT, PATCH): optimistic concurrency on metadata.resourceVersion,
 * status-subresource rules, finalizer rules, immutable-field validation, generation bump on spec changes. An
 * object being deleted goes away when the update removes its last finalizer.
 */
export function updateObject(store: KubeStore, tg: Target, old: KubeObject, input: KubeObject, dryRun: boolean): KubeObject {
  const t = tg.type;
  checkIdentity(tg, input);
  const name = old.metadata.name;
  if (input.metadata?.name !== undefined && input.metadata.name !== name) throw badRequest('the name of the object does not match the name on the URL');
  const rv = input.metadata?.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict(t, name);
  let next: KubeObject;
  if (tg.sub === 'status') {
    next = { ...clone(old), status: clone(input.status) };
  } else {
    next = clone(input);
    if (t.statusSubresource) {
      if (old.status === undefined) delete next.status;
      else next.status = clone(old.status);
    }
  }
  next.apiVersion = apiVersionOf(t);
  next.kind = t.kind;
  next.metadata = { ...next.metadata, name, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp };
  if (t.namespaced) next.metadata.namespace = old.metadata.namespace;
  checkFinalizerUpdate(t.kind, old, next);
  if (t.generation) {
    const body = (o: KubeObject) => Object.fromEntries(Object.entries(o).filter(([k]) => !['metadata', 'status', 'apiVersion', 'kind'].includes(k)));
    const gen = Number(old.metadata.generation ?? 1);
    next.metadata.generation = deepEqual(body(old), body(next)) ? gen : gen + 1;
  }
  if (t.plural === 'secrets') normalizeSecret(next);
  validateAll(t, next);
  validateUpdate(t, old, next);
  if (deepEqual({ ...next, metadata: { ...next.metadata, resourceVersion: '' } }, { ...old, metadata: { ...old.metadata, resourceVersion: '' } })) {
    return old; // a no-op write keeps the resourceVersion, as etcd3's GuaranteedUpdate does
  }
  if (dryRun) return next;
  const stored = store.put(next);
  removeIfFinalized(store, t, stored);
  return stored;
}
