/** A CI/CD variable as GET /projects/:id/variables and /groups/:id/variables return it. */
export interface RawVariable {
  key: string;
  /** Null for hidden variables (GitLab 17.4+ never returns their value). */
  value: string | null;
  variable_type?: 'env_var' | 'file';
  protected?: boolean;
  masked?: boolean;
  hidden?: boolean;
  environment_scope?: string;
}

/**
 * Fold variable lists into one map, later lists winning (pass groups outermost first, then the project — GitLab's
 * precedence: project over group over parent group). We keep only what can sensibly appear in an image name:
 * - `file` variables expand to a temp-file path on the runner, never to their content → skipped;
 * - masked/hidden variables are secrets → skipped, so they never reach our logs or mails;
 * - environment-scoped values depend on the job's environment → only `*` is taken;
 * - protected ones apply on protected refs (default branches usually are) → kept unless `includeProtected` is false.
 */
export function mergeVariables(lists: RawVariable[][], includeProtected = true): Record<string, string> {
  const out: Record<string, string> = {};
  for (const list of lists) {
    for (const v of list) {
      if (v.variable_type === 'file' || v.masked || v.hidden || v.value === null) continue;
      if ((v.environment_scope ?? '*') !== '*') continue;
      if (v.protected && !includeProtected) continue;
      out[v.key] = v.value;
    }
  }
  return out;
}

/** `a/b/c` → ['a', 'a/b', 'a/b/c']: every group a project in namespace `a/b/c` inherits variables from. */
export function ancestorGroups(fullPath: string): string[] {
  const parts = fullPath.split('/').filter(Boolean);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
