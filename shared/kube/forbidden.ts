import { isAppError } from '#shared/errors/index';
import { kubeStatusCode } from './kube-error';

/** A finding about one object (shape of the reconcile report's findings). */
export interface KubeFinding {
  rule: string;
  target: string;
  severity: 'error' | 'warn';
  message: string;
}
type Finding = KubeFinding;

/**
 * A 403 from the Kubernetes API as a finding, never a crash: it names the verb, the resource and the namespace (or
 * the cluster scope) the functions' identity lacks, and where the grant lives. The server's own words
 * (`… is forbidden: User "…" cannot list resource "secrets" in API group "" in the namespace "ci"`) are kept.
 * Undefined for any other error, which the caller rethrows.
 */
export function forbiddenFinding(e: unknown, target: string): Finding | undefined {
  if (kubeStatusCode(e) !== 403 || !isAppError(e)) return undefined;
  const d = e.details ?? {};
  const verb = String(d.verb ?? '?');
  const resource = String(d.resource ?? '?');
  const where = d.namespace ? `in namespace "${String(d.namespace)}"` : 'at cluster scope';
  const server = e.message.replace(/^kube [^:]*: 403 Forbidden: /, '');
  return {
    rule: 'rbac-forbidden',
    target,
    severity: 'error',
    message: `forbidden: cannot ${verb} ${resource} ${where} (${server}); grant it to the functions' identity — infra/k8s/rbac.yaml, bound per namespace by infra/k8s/rbac-grants.json (docs/deploy.md §2)`,
  };
}

/** Run a read; a 403 becomes a finding about `target` (and `undefined`), anything else propagates. */
export async function orForbidden<T>(p: Promise<T>, target: string, findings: Finding[]): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    const f = forbiddenFinding(e, target);
    if (!f) throw e;
    findings.push(f);
    return undefined;
  }
}
