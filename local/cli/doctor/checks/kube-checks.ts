import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { failed, ok } from '#shared/checks/index';
import { IMAGECACHE_GROUP, IMAGECACHE_PLURAL, IMAGECACHE_VERSION } from '#shared/kube/port';
import { KUBE_CALLS } from '#shared/kube/kube-calls';
import { diskDesiredSource, gitlabDesiredSource, loadDesiredState } from '#shared/reconcile/index';
import type { DoctorContext } from '../context';
import { doctorCheck, gates } from '../doctor-check';

const GRANT_FIX = 'grant infra/k8s/rbac.yaml to the functions\' RAM role with CS GrantPermissions, one namespace entry per namespace in infra/k8s/rbac-grants.json (docs/deploy.md §2)';

/** `k8s.api`: the kubeconfig comes as the functions get it (CS with ASK_CLUSTER_ID) and the API server answers. */
export const kubeApi = doctorCheck({
  id: 'k8s.api',
  service: 'kubernetes',
  gate: gates.cluster,
  async run(ctx) {
    let k;
    try {
      k = await ctx.kube();
    } catch (e) {
      return failed(`no kubeconfig: ${(e as Error).message}`, 'check ASK_CLUSTER_ID, CS_ENDPOINT/FC_REGION and that these keys may call cs:DescribeClusterUserKubeconfig (npm run -s ops -- policy)');
    }
    try {
      return ok(`Kubernetes ${await k.version()} at ${k.server} (kubeconfig from ${k.source})`);
    } catch (e) {
      return failed(`${k.server} does not answer: ${(e as Error).message}`, 'the functions reach the API server\'s private endpoint from their VPC: check the vSwitch and security group (docs/deploy.md §1)');
    }
  },
});

/**
 * The namespaces the functions work in: RUNNER_NAMESPACE and those of the desired state's claims and releases
 * (INFRA_PROJECT in GitLab, else ./infra) — what test/policy/rbac.test.ts requires grants for.
 */
async function namespaces(ctx: DoctorContext): Promise<{ names: string[]; note?: string }> {
  const e = ctx.config().env;
  const out = new Set([e.RUNNER_NAMESPACE]);
  const local = resolve(ctx.cwd, 'infra');
  const source = e.INFRA_PROJECT && e.GITLAB_URL && e.GITLAB_TOKEN ? gitlabDesiredSource(ctx.gitlab(), e.INFRA_PROJECT, e.INFRA_REF, e.INFRA_PATH) : existsSync(local) ? diskDesiredSource(local) : undefined;
  if (!source) return { names: [...out], note: 'no desired state found (INFRA_PROJECT or ./infra): RUNNER_NAMESPACE only' };
  try {
    const d = await loadDesiredState(source);
    for (const c of d.pvcs) out.add(c.metadata?.namespace ?? 'default');
    for (const r of d.releases) out.add(r.namespace);
    return { names: [...out].sort() };
  } catch (err) {
    return { names: [...out], note: `desired state unreadable (${(err as Error).message}): RUNNER_NAMESPACE only` };
  }
}

/**
 * `k8s.rbac`: SelfSubjectAccessReview for every verb of every kind the functions use (shared/kube/kube-calls.ts,
 * the table the RBAC tests check), cluster-wide or in each namespace they work in.
 */
export const kubeRbac = doctorCheck({
  id: 'k8s.rbac',
  service: 'kubernetes',
  needs: ['k8s.api'],
  gate: gates.cluster,
  async run(ctx) {
    const k = await ctx.kube();
    const ns = await namespaces(ctx);
    type Ask = { verb: string; resource: string; group: string; namespace?: string };
    const drillNs = ctx.config().env.DRILL_NAMESPACE;
    const where = (scope: string): Array<string | undefined> => (scope === 'cluster' ? [undefined] : scope === 'drill' ? [drillNs] : ns.names);
    const asks = KUBE_CALLS.flatMap((c) => c.verbs.flatMap((verb): Ask[] => where(c.scope).map((namespace) => ({ verb, resource: c.resource, group: c.group, ...(namespace ? { namespace } : {}) }))));
    const answers = await Promise.all(asks.map(async (a) => ({ a, r: await k.can(a) })));
    const denied = answers.filter((x) => !x.r.allowed).map(({ a }) => `${a.verb} ${a.resource}${a.namespace ? ` in ${a.namespace}` : ' (cluster)'}`);
    const note = ns.note ? `; ${ns.note}` : '';
    if (denied.length) return failed(`${denied.length} of ${asks.length} calls the functions make are denied: ${denied.join(', ')}${note}`, GRANT_FIX);
    return ok(`all ${asks.length} calls allowed (${[...new Set(KUBE_CALLS.map((c) => c.resource))].join(', ')}; namespaces ${ns.names.join(', ')}; the drill's ${drillNs})${note}`);
  },
});

/** `k8s.imagecache-crd`: the cluster serves imagecaches.eci.alibabacloud.com/v1 (discovery; ASK installs it with ECI). */
export const kubeImageCacheCrd = doctorCheck({
  id: 'k8s.imagecache-crd',
  service: 'kubernetes',
  needs: ['k8s.api'],
  gate: gates.cluster,
  async run(ctx) {
    const served = await (await ctx.kube()).apiResources(IMAGECACHE_GROUP, IMAGECACHE_VERSION);
    if (served?.includes(IMAGECACHE_PLURAL)) return ok(`${IMAGECACHE_PLURAL}.${IMAGECACHE_GROUP}/${IMAGECACHE_VERSION} is served`);
    return failed(`the cluster does not serve ${IMAGECACHE_PLURAL}.${IMAGECACHE_GROUP}/${IMAGECACHE_VERSION}${served ? ` (the group serves ${served.join(', ')})` : ''}`, 'install the ImageCache CRD (ECI virtual node component; https://help.aliyun.com/zh/eci/user-guide/manage-image-caches-1); prewarm cannot create caches without it');
  },
});

/**
 * `k8s.runner-namespace`: RUNNER_NAMESPACE exists. The functions may not read Namespaces (rbac.yaml grants none), so
 * a 403 falls back to the runner release's Helm state there (Secrets owner=helm, which they may list).
 */
export const kubeRunnerNamespace = doctorCheck({
  id: 'k8s.runner-namespace',
  service: 'kubernetes',
  needs: ['k8s.api'],
  gate: gates.cluster,
  async run(ctx) {
    const e = ctx.config().env;
    const k = await ctx.kube();
    const fix = `create namespace ${e.RUNNER_NAMESPACE} and deploy the runner (helmfile apply, infra/helmfile.yaml), or set RUNNER_NAMESPACE to where it runs`;
    const seen = await k.namespace(e.RUNNER_NAMESPACE);
    if (seen === 'exists') return ok(`namespace ${e.RUNNER_NAMESPACE} exists`);
    if (seen === 'missing') return failed(`namespace ${e.RUNNER_NAMESPACE} does not exist`, fix);
    const n = await k.helmReleaseSecrets(e.RUNNER_NAMESPACE, e.RUNNER_RELEASE);
    if (n === 'forbidden') return failed(`this identity may read neither Namespaces nor Secrets in ${e.RUNNER_NAMESPACE}, so it cannot tell whether the namespace exists`, GRANT_FIX);
    if (n > 0) return ok(`namespace ${e.RUNNER_NAMESPACE} holds Helm release ${e.RUNNER_RELEASE} (${n} revision${n > 1 ? 's' : ''}; this identity may not read Namespaces)`);
    return failed(`no Helm release ${e.RUNNER_RELEASE} in ${e.RUNNER_NAMESPACE}: the namespace is missing or the runner is not installed there`, fix);
  },
});
