import { typedShape, unknownTypedFields } from './api-shapes';
import { prune } from './crd-validation';
import { clone } from './patch';
import type { ResourceType } from './resources';
import { badRequest } from './status';
import type { KubeObject } from './store';

const META = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'];

/** Known top-level fields of the built-ins without a modelled Go shape. */
const KNOWN: Record<string, { top: string[]; spec?: string[] }> = {
  namespaces: { top: ['spec', 'status'] },
};

/**
 * Paths of fields the kind's schema does not declare (`spec.nfss`, `metadata.lables`): at any depth for the kinds
 * with a Go shape (shared/kube/core-v1-schema.ts) and for custom resources with a structural schema (what pruning
 * would drop); top level and spec for the other built-ins we serve.
 */
export function unknownFields(t: ResourceType, o: KubeObject): string[] {
  if (t.schema) {
    const { metadata, ...rest } = o;
    return [...prune(t.schema, clone(rest)), ...Object.keys(metadata ?? {}).filter((f) => !META.includes(f)).map((f) => `metadata.${f}`)];
  }
  if (typedShape(t.group, t.kind)) return unknownTypedFields(t.group, t.kind, o);
  const k = KNOWN[t.plural];
  if (!k || !t.builtin) return [];
  const out = Object.keys(o).filter((f) => !['apiVersion', 'kind', 'metadata', ...k.top].includes(f));
  out.push(...Object.keys(o.metadata ?? {}).filter((f) => !META.includes(f)).map((f) => `metadata.${f}`));
  const spec = o.spec as Record<string, unknown> | undefined;
  if (k.spec && spec && typeof spec === 'object') out.push(...Object.keys(spec).filter((f) => !k.spec!.includes(f)).map((f) => `spec.${f}`));
  return out;
}

/**
 * Server-side field validation (the `fieldValidation` query parameter kubectl sends): `Strict` rejects unknown
 * fields with 400 in the apiserver's wording; `Warn` (the default) returns them as `Warning` headers; `Ignore` drops
 * them silently.
 */
export function checkFields(t: ResourceType, o: KubeObject, mode: string | null): string[] {
  const unknown = unknownFields(t, o);
  if (unknown.length === 0 || mode === 'Ignore') return [];
  const list = unknown.map((f) => `unknown field "${f}"`);
  if (mode === 'Strict') {
    throw badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${list.join(', ')}`);
  }
  return list;
}
