import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceType } from './resources';

const gvPath = (t: ResourceType) => (t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`);
const hash = (s: string) => createHash('sha512').update(s).digest('hex').slice(0, 128).toUpperCase();

/**
 * Minimal OpenAPI v3: the discovery root and, per group-version, one PATCH operation per kind that carries the
 * `x-kubernetes-group-version-kind` extension and a `fieldValidation` query parameter. That is what kubectl's
 * QueryParamVerifierV3 looks for before trusting the server to validate (server-side field validation, so no
 * client-side schema is needed). No component schemas: kubectl then derives strategic-merge metadata from its
 * compiled-in types, as it does for servers without them.
 */
export function openapi(path: string, types: ResourceType[]): unknown {
  const gvs = [...new Set(types.map(gvPath))];
  if (path === '/openapi/v3') {
    return { paths: Object.fromEntries(gvs.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash(gv)}` }])) };
  }
  const gv = path.replace(/^\/openapi\/v3\//, '');
  if (!path.startsWith('/openapi/v3/') || !gvs.includes(gv)) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of types.filter((x) => gvPath(x) === gv)) {
    const base = `/${gv}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}/{name}`;
    paths[base] = {
      patch: {
        operationId: `patch${t.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
        parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } })),
        responses: { '200': { description: 'OK' } },
      },
      parameters: [
        { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
        ...(t.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
      ],
    };
  }
  const any = types.find((x) => gvPath(x) === gv)!;
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: apiVersionOf(any) }, paths, components: { schemas: {} } };
}
