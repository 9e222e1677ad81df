import type { StatusCause } from './status';

/**
 * Validation and pruning of custom resources against a structural openAPIV3Schema, worded as kube-apiserver words
 * it: kube-openapi's messages (`spec.images in body should have at least 1 items`, `… must be of type integer:
 * "string"`) turned into field errors by apiextensions-apiserver (kubernetes/kubernetes
 * staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/validation/validation.go,
 * kubeOpenAPIResultToFieldErrors: Required → "Required value", InvalidType → "Invalid value: \"<type>\": …", others
 * → "Invalid value: <value>: …"). Real answers of that shape: cloudnative-pg/cloudnative-pg#1572,
 * yugabyte/yugabyte-db#6349. Supported keywords: type, properties, required, items, minItems, maxItems, enum,
 * x-kubernetes-preserve-unknown-fields — what the ImageCache CRD uses, and a little more.
 */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  additionalProperties?: Schema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON type kube-openapi reports for a value. */
function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  return typeof v; // string, object
}

const fits = (want: string, got: string) => want === got || (want === 'number' && got === 'integer');
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function check(s: Schema, v: unknown, path: string, out: StatusCause[]): void {
  const got = typeOf(v);
  if (s.type && !fits(s.type, got)) {
    out.push({ reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: "${got}": ${path} in body must be of type ${s.type}: "${got}"` });
    return;
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    out.push({ reason: 'FieldValueNotSupported', field: path, message: `Unsupported value: ${show(v)}: supported values: ${s.enum.map((e) => JSON.stringify(typeof e === 'string' ? e : JSON.stringify(e))).join(', ')}` });
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${v.length}: ${path} in body should have at least ${s.minItems} items` });
    if (s.maxItems !== undefined && v.length > s.maxItems) out.push({ reason: 'FieldValueTooMany', field: path, message: `Too many: ${v.length}: must have at most ${s.maxItems} items` });
    if (s.items) v.forEach((x, i) => check(s.items!, x, `${path}[${i}]`, out));
    return;
  }
  if (!isObj(v)) return;
  for (const r of s.required ?? []) if (v[r] === undefined) out.push({ reason: 'FieldValueRequired', field: path ? `${path}.${r}` : r, message: 'Required value' });
  for (const [k, x] of Object.entries(v)) {
    const sub = s.properties?.[k] ?? (isObj(s.additionalProperties) ? s.additionalProperties : undefined);
    if (sub) check(sub, x, path ? `${path}.${k}` : k, out);
  }
}

/** Field errors of a custom resource (apiVersion, kind and metadata are the apiserver's, not the schema's). */
export function validateAgainstSchema(schema: Schema, obj: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
  check({ ...schema, properties: { ...schema.properties } }, rest, '', out);
  return out;
}

/** Remove fields the schema does not know (structural pruning); returns the pruned paths (`spec.imageCachSize`). */
export function prune(schema: Schema, obj: Obj): string[] {
  const removed: string[] = [];
  const walk = (s: Schema, v: unknown, path: string) => {
    if (s['x-kubernetes-preserve-unknown-fields']) return;
    if (Array.isArray(v) && s.items) v.forEach((x, i) => walk(s.items!, x, `${path}[${i}]`));
    if (!isObj(v)) return;
    for (const k of Object.keys(v)) {
      if (!path && ['apiVersion', 'kind', 'metadata'].includes(k)) continue;
      const sub = s.properties?.[k] ?? (isObj(s.additionalProperties) ? s.additionalProperties : s.additionalProperties === true ? { 'x-kubernetes-preserve-unknown-fields': true } : undefined);
      const p = path ? `${path}.${k}` : k;
      if (!sub) {
        removed.push(p);
        delete v[k];
      } else walk(sub, v[k], p);
    }
  };
  walk(schema, obj, '');
  return removed;
}
