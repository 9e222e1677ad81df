import { minimumAccess, ROLES, type GitlabEmulator, type Role } from '#local/gitlab/index';
import { listen, readBody, sendJson, type Listening } from '#local/sandbox/http-util';

/** `POST /push` body: what `gl.push` takes, plus the project (full path, bare name if unique, or id). */
export interface AdminPush {
  project: string | number;
  branch?: string;
  /** path → content (null deletes). Absent: a comment line is appended to the project's CI config file. */
  files?: Record<string, string | null>;
  message?: string;
}

/** Full path, id, or a bare name that only one project has (`java-demo` → `demo/java-demo`). */
function findProject(gl: GitlabEmulator, ref: string | number) {
  const exact = gl.store.findProject(ref);
  if (exact) return exact;
  const named = gl.store.projects.filter((p) => p.path === String(ref));
  return named.length === 1 ? named[0] : undefined;
}

/** A CI config change that keeps the jobs: the webhook sees the CI file touched, prewarm re-plans. */
function touchCi(p: NonNullable<ReturnType<typeof findProject>>, branch: string): Record<string, string> {
  const path = p.seed.ciConfigPath || '.gitlab-ci.yml';
  const head = p.branches.get(branch) ?? (p.defaultBranch ? p.branches.get(p.defaultBranch) : undefined);
  const now = head ? p.commits.get(head)?.files.get(path) : undefined;
  return { [path]: `${(now ?? '').replace(/\n*$/, '\n')}# sandbox push ${new Date().toISOString()}\n` };
}

/** `POST /tokens` body: the scopes, and a role on every top-level group (default: the sandbox token's roles). */
export interface AdminToken {
  scopes: string[];
  role?: Role;
  admin?: boolean;
}

const SCOPE = /^[a-z_]+$/;

/**
 * A token for rehearsal, minted as an administrator would (`POST /users/:id/personal_access_tokens` for a user who
 * holds `role` on every top-level group). Without `role` the user has the sandbox GITLAB_TOKEN's memberships.
 */
function mintToken(gl: GitlabEmulator, body: AdminToken): string {
  const seeds = gl.store.projects.map((p) => p.seed);
  const groupVars = Object.fromEntries([...gl.store.groups.values()].map((g) => [g.full_path, g.variables]));
  const base = minimumAccess(seeds, groupVars);
  const memberships = body.role ? Object.fromEntries(Object.keys(base.memberships ?? {}).filter((g) => !g.includes('/')).map((g) => [g, body.role!])) : base.memberships;
  return gl.mintToken({ scopes: body.scopes, ...(body.admin ? { admin: true } : {}), ...(memberships ? { memberships } : {}), name: `sandbox-${body.scopes.join('-')}` });
}

/**
 * The sandbox's GitLab admin endpoint (not GitLab API: the emulator has no commit API), so a CLI or a test can act
 * like a developer pushing: `POST /push` commits and fires the hooks, `GET /deliveries` lists hook deliveries
 * (token headers removed), `POST /tokens` mints a token with the given scopes and role (`sandbox token`).
 * Loopback only, no auth: a sandbox tool.
 */
export async function startGitlabAdmin(gl: GitlabEmulator): Promise<Listening> {
  return listen(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/push') {
      let body: AdminPush;
      try {
        body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8')) as AdminPush;
      } catch {
        return sendJson(res, 400, { message: 'body must be JSON {project, branch?, files, message?}' }); // the caller's mistake, reported
      }
      if (!body?.project || (body.files !== undefined && (typeof body.files !== 'object' || body.files === null))) return sendJson(res, 400, { message: 'project is required; files must be an object' });
      const p = findProject(gl, body.project);
      if (!p) return sendJson(res, 404, { message: `no project ${body.project} (or the name is ambiguous)` });
      const branch = body.branch ?? p.defaultBranch ?? 'main';
      const files = body.files ?? touchCi(p, branch);
      const commit = gl.push(p.id, { branch, files, message: body.message ?? 'sandbox push' });
      return sendJson(res, 201, { project: p.path_with_namespace, projectId: p.id, branch, commit, files: Object.keys(files) });
    }
    if (req.method === 'POST' && path === '/tokens') {
      let body: AdminToken;
      try {
        body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8')) as AdminToken;
      } catch {
        return sendJson(res, 400, { message: 'body must be JSON {scopes, role?, admin?}' });
      }
      if (!Array.isArray(body?.scopes) || body.scopes.length === 0 || !body.scopes.every((x) => typeof x === 'string' && SCOPE.test(x))) {
        return sendJson(res, 400, { message: 'scopes must be a non-empty list of scope names' });
      }
      if (body.role !== undefined && !ROLES.includes(body.role)) return sendJson(res, 400, { message: `role must be one of ${ROLES.join(', ')}` });
      return sendJson(res, 201, { token: mintToken(gl, body) });
    }
    if (req.method === 'GET' && path === '/deliveries') {
      // The records carry X-Gitlab-Token for tests; an HTTP listing must not.
      const list = gl.deliveries().map(({ headers, ...d }) => ({ ...d, headers: Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'x-gitlab-token')) }));
      return sendJson(res, 200, { deliveries: list });
    }
    sendJson(res, 404, { message: 'POST /push, POST /tokens or GET /deliveries' });
  });
}
