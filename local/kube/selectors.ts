import { badRequest } from './status';

type Req = { key: string; op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!'; values: string[] };

/** Split on commas outside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

/** Parse a label selector (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`); 400 when malformed. */
export function parseLabelSelector(sel: string): Req[] {
  return splitTop(sel).map((term) => {
    let m = /^!\s*([\w./-]+)$/.exec(term);
    if (m) return { key: m[1]!, op: '!', values: [] };
    m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter(Boolean) };
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
    if (m) return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] };
    m = /^([\w./-]+)$/.exec(term);
    if (m) return { key: m[1]!, op: 'exists', values: [] };
    throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

/** Does this label map satisfy every requirement? */
export function matchLabels(reqs: Req[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case '=':
        return has && v === r.values[0];
      case '!=':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'exists':
        return has;
      case '!':
        return !has;
    }
  });
}

/** Field selectors each kind supports (apiserver rejects others with 400). */
const FIELDS: Record<string, string[]> = {
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  secrets: ['type'],
  namespaces: ['status.phase'],
  persistentvolumeclaims: [],
};

type FieldReq = { path: string; neg: boolean; value: string };

/** Parse a field selector (`metadata.name=x`, `involvedObject.name!=y`) for `plural`; 400 on unsupported fields. */
export function parseFieldSelector(sel: string, plural: string): FieldReq[] {
  return splitTop(sel).map((term) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
    const path = m[1]!;
    const ok = path === 'metadata.name' || path === 'metadata.namespace' || (FIELDS[plural] ?? []).includes(path);
    if (!ok) throw badRequest(`"${path}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    return { path, neg: m[2] === '!=', value: m[3]! };
  });
}

function dig(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const p of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  if (path === 'source' && cur && typeof cur === 'object') return String((cur as { component?: string }).component ?? '');
  return cur === undefined || cur === null ? '' : String(cur);
}

/** Does the object satisfy every field requirement? */
export function matchFields(reqs: FieldReq[], obj: unknown): boolean {
  return reqs.every((r) => (dig(obj, r.path) === r.value) !== r.neg);
}
