import type { Call } from './create-caller';
import { ancestorGroups, mergeVariables, type RawVariable } from './merge-variables';
import { hasHttpStatus, isInsufficientScope } from './to-gitlab-error';
import type { CiVariables, ProjectInfo, VariableOptions } from './types';

/**
 * The namespace's groups' variables (outermost first), then the project's, merged for image names. Who may read
 * them: project variables need Maintainer (`authorize! :admin_cicd_variables, user_project`, lib/api/ci/variables.rb;
 * ProjectPolicy enables it for maintainer_access), group variables Owner (GroupPolicy `rule { owner }`). A 403
 * for a role skips that list and names it in `denied`; a group we cannot see at all (404) is skipped silently.
 * A 403 for the token's scopes is not a per-list matter and is thrown.
 */
export async function readCiVariables(call: Call, p: ProjectInfo, vo: VariableOptions & { strictProject?: boolean } = {}): Promise<CiVariables> {
  const lists: RawVariable[][] = [];
  const denied: string[] = [];
  const read = async (op: string, fn: (c: Parameters<Parameters<Call>[1]>[0]) => Promise<RawVariable[]>, why: string, skip: number[]): Promise<void> => {
    try {
      lists.push(await call(op, fn));
    } catch (e) {
      if (isInsufficientScope(e) || !hasHttpStatus(e, ...skip)) throw e;
      if (hasHttpStatus(e, 403)) denied.push(why);
    }
  };
  if (p.namespace.kind === 'group') {
    for (const g of ancestorGroups(p.namespace.full_path)) {
      await read(`group variables ${g}`, (c) => c.groupVariables(g), `token lacks Owner on group ${g}: its CI/CD variables were not read`, [403, 404]);
    }
  }
  await read(`project variables ${p.path_with_namespace}`, (c) => c.projectVariables(p.id),
    `token lacks Maintainer on project ${p.path_with_namespace}: its CI/CD variables were not read`, vo.strictProject ? [] : [403]);
  return { variables: mergeVariables(lists, vo.includeProtected ?? true), denied };
}
