/**
 * Decoding of the Kubernetes protobuf wire format (`application/vnd.kubernetes.protobuf`) for the few built-in kinds
 * clients send that way to us: helm's release storage writes Secrets (or ConfigMaps) through a typed client-go
 * clientset, and `kubectl auth can-i` posts SelfSubjectAccessReviews, both encoding request bodies as protobuf.
 * Responses stay JSON, which those clients also accept.
 * Envelope: `k8s\0` + runtime.Unknown{typeMeta=1, raw=2}; messages per k8s.io/api/core/v1/generated.proto.
 */
type Field = { no: number; wire: number; value: bigint | Buffer };

function* fields(buf: Buffer): Generator<Field> {
  let i = 0;
  const varint = (): bigint => {
    let r = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++]!;
      r |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return r;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const tag = Number(varint());
    const wire = tag & 7;
    const no = tag >>> 3;
    if (wire === 0) yield { no, wire, value: varint() };
    else if (wire === 2) {
      const len = Number(varint());
      yield { no, wire, value: buf.subarray(i, i + len) };
      i += len;
    } else if (wire === 1) {
      yield { no, wire, value: buf.subarray(i, i + 8) };
      i += 8;
    } else if (wire === 5) {
      yield { no, wire, value: buf.subarray(i, i + 4) };
      i += 4;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

const str = (v: bigint | Buffer) => (v as Buffer).toString('utf8');

function mapEntry(v: Buffer, bytes: boolean): [string, string] {
  let k = '';
  let val = '';
  for (const f of fields(v)) {
    if (f.no === 1) k = str(f.value);
    if (f.no === 2) val = bytes ? (f.value as Buffer).toString('base64') : str(f.value);
  }
  return [k, val];
}

function objectMeta(buf: Buffer): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  const names: Record<number, string> = { 1: 'name', 2: 'generateName', 3: 'namespace', 5: 'uid', 6: 'resourceVersion' };
  for (const f of fields(buf)) {
    if (names[f.no]) m[names[f.no]!] = str(f.value);
    else if (f.no === 7) m.generation = Number(f.value);
    else if (f.no === 11 || f.no === 12) {
      const key = f.no === 11 ? 'labels' : 'annotations';
      const [k, v] = mapEntry(f.value as Buffer, false);
      m[key] = { ...(m[key] as Record<string, string> | undefined), [k]: v };
    } else if (f.no === 14) m.finalizers = [...((m.finalizers as string[] | undefined) ?? []), str(f.value)];
  }
  return m;
}

/** A message of string fields only, by field number. */
function strings(buf: Buffer, names: Record<number, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields(buf)) if (names[f.no] && f.wire === 2) out[names[f.no]!] = str(f.value);
  return out;
}

/**
 * SelfSubjectAccessReviewSpec (k8s.io/api/authorization/v1/generated.proto): resourceAttributes = 1
 * {namespace 1, verb 2, group 3, version 4, resource 5, subresource 6, name 7}, nonResourceAttributes = 2
 * {path 1, verb 2}. `kubectl auth can-i` posts it as protobuf.
 */
function ssarSpec(buf: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (f.no === 1) out.resourceAttributes = strings(f.value as Buffer, { 1: 'namespace', 2: 'verb', 3: 'group', 4: 'version', 5: 'resource', 6: 'subresource', 7: 'name' });
    if (f.no === 2) out.nonResourceAttributes = strings(f.value as Buffer, { 1: 'path', 2: 'verb' });
  }
  return out;
}

/** Message layouts: field number → [json name, 'meta' | 'string' | 'bool' | map of string|bytes | 'ssarspec']. */
const LAYOUT: Record<string, Record<number, [string, 'meta' | 'string' | 'bool' | 'map' | 'bytesmap' | 'ssarspec']>> = {
  Secret: { 1: ['metadata', 'meta'], 2: ['data', 'bytesmap'], 3: ['type', 'string'], 4: ['stringData', 'map'], 5: ['immutable', 'bool'] },
  ConfigMap: { 1: ['metadata', 'meta'], 2: ['data', 'map'], 3: ['binaryData', 'bytesmap'], 4: ['immutable', 'bool'] },
  SelfSubjectAccessReview: { 1: ['metadata', 'meta'], 2: ['spec', 'ssarspec'] },
};

/** Decode a protobuf request body into the JSON object shape; throws for kinds we have no layout for. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('missing k8s protobuf magic');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const f of fields(body.subarray(4))) {
    if (f.no === 1) {
      for (const t of fields(f.value as Buffer)) {
        if (t.no === 1) apiVersion = str(t.value);
        else kind = str(t.value);
      }
    }
    if (f.no === 2) raw = f.value as Buffer;
  }
  const layout = LAYOUT[kind];
  if (!layout) throw new Error(`no protobuf layout for kind ${kind}`);
  const out: Record<string, unknown> = { apiVersion, kind };
  for (const f of fields(raw)) {
    const spec = layout[f.no];
    if (!spec) continue;
    const [name, type] = spec;
    if (type === 'meta') out[name] = objectMeta(f.value as Buffer);
    else if (type === 'ssarspec') out[name] = ssarSpec(f.value as Buffer);
    else if (type === 'string') out[name] = str(f.value);
    else if (type === 'bool') out[name] = f.value === 1n;
    else {
      const [k, v] = mapEntry(f.value as Buffer, type === 'bytesmap');
      out[name] = { ...(out[name] as Record<string, string> | undefined), [k]: v };
    }
  }
  return out;
}
