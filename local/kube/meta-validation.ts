import type { StatusCause } from './status';
import type { KubeObject } from './store';

/**
 * ObjectMeta and data validation as kube-apiserver words it (kubernetes/kubernetes
 * staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go, pkg/api/validation/objectmeta.go,
 * pkg/apis/core/validation/validation.go ValidateConfigMap/ValidateSecret; field/errors.go for "Too long: must have
 * at most N bytes", as real answers show: prometheus-operator/prometheus-operator#7363, grafana/k6-operator#61).
 */
type Obj = Record<string, unknown>;

/** RegexError of apimachinery: "(e.g. 'a',  or 'b', regex used for validation is '…')" — the double space is real. */
const regexError = (msg: string, fmt: string, ...examples: string[]) => `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = `${DNS_LABEL}(\\.${DNS_LABEL})*`;
const QNAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QNAME})?`;
const CONFIG_KEY = '[-._a-zA-Z0-9]+';
const full = (re: string) => new RegExp(`^${re}$`);

const maxLen = (n: number) => `must be no more than ${n} characters`;

export function dnsSubdomainErrors(v: string): string[] {
  const out: string[] = [];
  if (v.length > 253) out.push(maxLen(253));
  if (!full(DNS_SUBDOMAIN).test(v)) out.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS_SUBDOMAIN, 'example.com'));
  return out;
}

export function dnsLabelErrors(v: string): string[] {
  const out: string[] = [];
  if (v.length > 63) out.push(maxLen(63));
  if (!full(DNS_LABEL).test(v)) out.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS_LABEL, 'my-name', '123-abc'));
  return out;
}

/** Names of RBAC objects are path segments (`system:basic-user` is fine). */
function pathSegmentErrors(v: string): string[] {
  if (v === '.' || v === '..') return [`may not be '${v}'`];
  const bad = ['/', '%'].find((c) => v.includes(c));
  return bad ? [`may not contain '${bad}'`] : [];
}

const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

export function qualifiedNameErrors(v: string): string[] {
  const parts = v.split('/');
  const out: string[] = [];
  let name = v;
  if (parts.length > 2) return [`${regexError(`a qualified name ${QNAME_MSG}`, QNAME, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  if (parts.length === 2) {
    name = parts[1]!;
    if (parts[0] === '') out.push('prefix part must be non-empty');
    else out.push(...dnsSubdomainErrors(parts[0]!).map((m) => `prefix part ${m}`));
  }
  if (name === '') out.push('name part must be non-empty');
  else if (name.length > 63) out.push(`name part ${maxLen(63)}`);
  if (!full(QNAME).test(name)) out.push(`name part ${regexError(QNAME_MSG, QNAME, 'MyName', 'my.name', '123-abc')}`);
  return out;
}

function labelValueErrors(v: string): string[] {
  const out: string[] = [];
  if (v.length > 63) out.push(maxLen(63));
  if (!full(LABEL_VALUE).test(v)) out.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE, 'MyValue', 'my_value', '12345'));
  return out;
}

function configKeyErrors(k: string): string[] {
  const out: string[] = [];
  if (k.length > 253) out.push(maxLen(253));
  if (!full(CONFIG_KEY).test(k)) out.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_KEY, 'key.name', 'KEY_NAME', 'key-name'));
  if (k === '.') out.push("must not be '.'");
  else if (k === '..') out.push("must not be '..'");
  else if (k.startsWith('..')) out.push("must not start with '..'");
  return out;
}

/** `field: Invalid value: "v": msg` cause. */
const invalidCause = (field: string, v: string, msg: string): StatusCause => ({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(v)}: ${msg}` });
const tooLong = (field: string, max: number): StatusCause => ({ reason: 'FieldValueTooLong', field, message: `Too long: must have at most ${max} bytes` });

/** Total annotation size limit (TotalAnnotationSizeLimitB) and the ConfigMap/Secret data limit (MaxSecretSize). */
export const ANNOTATIONS_MAX = 256 * 1024;
export const DATA_MAX = 1024 * 1024;

/** Which name rule a kind's objects follow. */
export type NameRule = 'subdomain' | 'label' | 'segment';

/** ValidateObjectMeta: name, labels (keys and values), annotations (keys, total size). */
export function metaCauses(o: KubeObject, rule: NameRule): StatusCause[] {
  const out: StatusCause[] = [];
  const name = o.metadata.name;
  const nameErrs = rule === 'label' ? dnsLabelErrors(name) : rule === 'segment' ? pathSegmentErrors(name) : dnsSubdomainErrors(name);
  out.push(...nameErrs.map((m) => invalidCause('metadata.name', name, m)));
  for (const [k, v] of Object.entries((o.metadata.labels as Record<string, string> | undefined) ?? {})) {
    out.push(...qualifiedNameErrors(k).map((m) => invalidCause('metadata.labels', k, m)));
    out.push(...labelValueErrors(String(v)).map((m) => invalidCause('metadata.labels', String(v), m)));
  }
  const ann = (o.metadata.annotations as Record<string, string> | undefined) ?? {};
  for (const k of Object.keys(ann)) out.push(...qualifiedNameErrors(k.toLowerCase()).map((m) => invalidCause('metadata.annotations', k, m)));
  const size = Object.entries(ann).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  if (size > ANNOTATIONS_MAX) out.push(tooLong('metadata.annotations', ANNOTATIONS_MAX));
  return out;
}

/** ValidateConfigMap / ValidateSecret: key names and the 1 MiB total (base64 `data` counts decoded bytes). */
export function dataCauses(plural: 'configmaps' | 'secrets', o: KubeObject): StatusCause[] {
  const out: StatusCause[] = [];
  let total = 0;
  const add = (field: string, data: unknown, decode: boolean) => {
    for (const [k, v] of Object.entries((data as Obj | undefined) ?? {})) {
      out.push(...configKeyErrors(k).map((m) => invalidCause(`${field}[${k}]`, k, m)));
      total += decode ? Buffer.from(String(v), 'base64').length : Buffer.byteLength(String(v), 'utf8');
    }
  };
  if (plural === 'secrets') add('data', o.data, true);
  else {
    add('data', o.data, false);
    add('binaryData', o.binaryData, true);
    for (const k of Object.keys((o.binaryData as Obj | undefined) ?? {})) {
      if (Object.prototype.hasOwnProperty.call(o.data ?? {}, k)) out.push(invalidCause(`binaryData[${k}]`, k, 'duplicate key in both data and binaryData'));
    }
  }
  // The ConfigMap check reports the whole object (field.NewPath(""), printed "[]"); the Secret check reports `data`.
  if (total > DATA_MAX) out.push(tooLong(plural === 'secrets' ? 'data' : '[]', DATA_MAX));
  return out;
}
