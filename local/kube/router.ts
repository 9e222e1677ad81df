import type { ResourceType } from './resources';

/** What a URL path addresses. */
export type Route =
  | { kind: 'root'; path: string }
  | { kind: 'group'; group: string }
  | { kind: 'resources'; group: string; version: string }
  | { kind: 'resource'; type: ResourceType; namespace?: string; name?: string; sub?: string }
  | { kind: 'unknown' };

/**
 * Resolve `/api/v1/...` and `/apis/<g>/<v>/...` paths: `[namespaces/<ns>/]<plural>[/<name>[/<sub>]]`. The
 * `namespaces/<name>[/status]` form addresses a Namespace itself.
 */
export function route(path: string, types: ResourceType[]): Route {
  const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (seg.length === 0) return { kind: 'root', path: '/' };
  if (['version', 'openapi', 'healthz', 'readyz', 'livez'].includes(seg[0]!)) return { kind: 'root', path: `/${seg.join('/')}` };
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api') {
    if (seg.length === 1) return { kind: 'root', path: '/api' };
    [group, version, rest] = ['', seg[1]!, seg.slice(2)];
  } else if (seg[0] === 'apis') {
    if (seg.length === 1) return { kind: 'root', path: '/apis' };
    if (seg.length === 2) return { kind: 'group', group: seg[1]! };
    [group, version, rest] = [seg[1]!, seg[2]!, seg.slice(3)];
  } else return { kind: 'unknown' };
  if (rest.length === 0) return { kind: 'resources', group, version };
  const served = types.filter((t) => t.group === group && t.version === version);
  const find = (plural: string, namespaced: boolean) => served.find((t) => t.plural === plural && t.namespaced === namespaced);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const t = find(rest[2]!, true);
    if (t && rest.length <= 5) return { kind: 'resource', type: t, namespace: rest[1]!, ...opt(rest[3], rest[4]) };
  }
  const t = find(rest[0]!, false) ?? find(rest[0]!, true);
  if (!t || rest.length > 3 || (t.namespaced && rest.length > 1)) return { kind: 'unknown' };
  return { kind: 'resource', type: t, ...opt(rest[1], rest[2]) };
}

const opt = (name?: string, sub?: string) => ({ ...(name !== undefined ? { name } : {}), ...(sub !== undefined ? { sub } : {}) });
