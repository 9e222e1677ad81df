import { canonicalQuantity } from './canonical-quantity';
import type { Field, StructType, TypeRef } from './core-v1-schema';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A body a Go decoder would refuse; `message` is worded as encoding/json (or the type's own unmarshaller) words it. */
export class DecodeError extends Error {}

const QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function goName(t: TypeRef): string {
  if (typeof t === 'string') return { string: 'string', bool: 'bool', int32: 'int32', int64: 'int64', quantity: 'resource.Quantity', time: 'v1.Time', microtime: 'v1.MicroTime', bytes: '[]uint8', any: 'interface {}' }[t];
  if (t.kind === 'struct' || t.kind === 'named') return t.go;
  return t.kind === 'list' ? `[]${goName(t.of)}` : `map[string]${goName(t.of)}`;
}

const jsonKind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v);

/** Where a value sits: the innermost Go struct and the JSON path from the object's root (no list indices). */
interface At {
  struct: string;
  path: string[];
}

const mismatch = (v: unknown, t: TypeRef, at: At, literal = false): DecodeError =>
  new DecodeError(`json: cannot unmarshal ${jsonKind(v)}${literal ? ` ${String(v)}` : ''} into Go struct field ${at.struct.replace(/^\w+\./, '')}.${at.path.join('.')} of type ${goName(t)}`);

const RANGES = { int32: 2 ** 31, int64: 2 ** 63 };

function time(v: unknown, micro: boolean): string | null {
  if (v === null) return null;
  if (typeof v !== 'string') throw new DecodeError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw new DecodeError(`parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(v)} as "2006"`);
  const iso = new Date(ms).toISOString();
  // metav1.Time writes whole seconds (RFC 3339); MicroTime six fractional digits.
  return micro ? iso.replace(/\.(\d{3})Z$/, '.$1000Z') : iso.replace(/\.\d{3}Z$/, 'Z');
}

function bytes(v: string): string {
  const bad = [...v].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
  if (bad >= 0 || v.length % 4 !== 0 || /=[^=]/.test(v)) throw new DecodeError(`illegal base64 data at input byte ${bad >= 0 ? bad : Math.max(0, v.length - (v.length % 4 || 4))}`);
  return v;
}

/** Decode one JSON value into Go type `t` and give back what Go would encode for it. `undefined` = the zero value. */
function value(t: TypeRef, v: unknown, at: At): unknown {
  if (v === null) return undefined; // null into a Go value leaves the zero value
  if (typeof t === 'string' || t.kind === 'named') {
    const base = typeof t === 'string' ? t : t.base;
    switch (base) {
      case 'any':
        return v;
      case 'string':
        if (typeof v !== 'string') throw mismatch(v, t, at);
        return v === '' ? undefined : v;
      case 'bool':
        if (typeof v !== 'boolean') throw mismatch(v, t, at);
        return v || undefined;
      case 'int32':
      case 'int64':
        if (typeof v !== 'number') throw mismatch(v, t, at);
        if (!Number.isInteger(v) || Math.abs(v) >= RANGES[base]) throw mismatch(v, t, at, true);
        return v === 0 ? undefined : v;
      case 'quantity': {
        const c = typeof v === 'string' || typeof v === 'number' ? canonicalQuantity(v) : undefined;
        if (c === undefined) throw new DecodeError(QUANTITY_FORMAT);
        return c;
      }
      case 'time':
      case 'microtime':
        return time(v, base === 'microtime') ?? undefined;
      case 'bytes':
        if (typeof v !== 'string') throw mismatch(v, t, at);
        return bytes(v);
    }
  }
  if (t.kind === 'struct') {
    if (!isObj(v)) throw mismatch(v, t, at);
    return struct(t, v, at.path);
  }
  if (t.kind === 'list') {
    if (!Array.isArray(v)) throw mismatch(v, t, at);
    return v.map((x) => value(t.of, x, at) ?? zero(t.of));
  }
  if (!isObj(v)) throw mismatch(v, t, at);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(t.of, x, at) ?? zero(t.of)]));
}

/** What Go writes for a zero value that is written anyway (no omitempty, or inside a list or map). */
function zero(t: TypeRef): unknown {
  if (typeof t === 'string' || t.kind === 'named') {
    const base = typeof t === 'string' ? t : t.base;
    return { string: '', bool: false, int32: 0, int64: 0, quantity: '0', time: null, microtime: null, bytes: '', any: null }[base];
  }
  return t.kind === 'struct' ? struct(t, {}, []) : null;
}

const isStruct = (t: TypeRef) => typeof t === 'object' && t.kind === 'struct';
const isTime = (t: TypeRef) => t === 'time' || t === 'microtime';

function emit(out: Obj, key: string, f: Field, decoded: unknown, given: boolean): void {
  if (f.ptr) {
    // A pointer keeps whatever was set, zero values included; nil is omitted (or null without omitempty).
    if (given) out[key] = decoded ?? zero(f.type);
    else if (!f.omitempty) out[key] = null;
    return;
  }
  // Structs (metav1.Time among them) ignore omitempty: always written, a zero Time as null.
  if (isStruct(f.type) || isTime(f.type)) {
    out[key] = decoded ?? zero(f.type);
    return;
  }
  const empty = decoded === undefined || (Array.isArray(decoded) && decoded.length === 0) || (isObj(decoded) && Object.keys(decoded).length === 0 && typeof f.type === 'object' && f.type.kind === 'map');
  if (!empty) out[key] = decoded;
  else if (!f.omitempty) out[key] = decoded ?? zero(f.type);
}

function struct(s: StructType, v: Obj, path: string[]): Obj {
  const out: Obj = {};
  for (const [k, f] of Object.entries(s.fields)) {
    const given = v[k] !== undefined && v[k] !== null;
    const decoded = given ? value(f.type, v[k], { struct: s.go, path: [...path, k] }) : undefined;
    emit(out, k, f, decoded, given);
  }
  return out;
}

/**
 * Round-trip an object through its Go type `shape`, as kube-apiserver's decoder and encoder do: unknown fields
 * dropped, zero values of non-pointer omitempty fields dropped, quantities canonical, times at the type's precision.
 * Throws DecodeError on a type mismatch.
 * @example roundTrip(PersistentVolume, pv).spec.nfs.readOnly // undefined when it was false
 */
export function roundTrip(shape: StructType, input: Obj): Obj {
  return struct(shape, input, []);
}

/** Paths of the fields a typed kind does not declare (`spec.nfss`, `metadata.lables`), for field validation. */
export function unknownTypedFields(s: StructType, input: Obj): string[] {
  const out: string[] = [];
  const walk = (t: TypeRef, v: unknown, path: string): void => {
    if (typeof t !== 'object' || v === null || v === undefined) return;
    if (t.kind === 'struct' && isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        const f = t.fields[k];
        if (!f) out.push(`${path}${k}`);
        else walk(f.type, x, `${path}${k}.`);
      }
    } else if (t.kind === 'list' && Array.isArray(v)) v.forEach((x, i) => walk(t.of, x, `${path.slice(0, -1)}[${i}].`));
    else if (t.kind === 'map' && isObj(v)) for (const [k, x] of Object.entries(v)) walk(t.of, x, `${path}${k}.`);
  };
  walk(s, input, '');
  return out;
}
