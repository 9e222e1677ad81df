import type { GitlabEmulator } from '#local/gitlab/index';
import { listen, readBody, sendJson, type Listening } from '#local/sandbox/http-util';

/** `POST /push` body: what `gl.push` takes, plus the project (path or id). */
export interface AdminPush {
  project: string | number;
  branch?: string;
  files: Record<string, string | null>;
  message?: string;
}

/**
 * The sandbox's GitLab admin endpoint (not GitLab API: the emulator has no commit API), so a CLI or a test can act
 * like a developer pushing: `POST /push` commits and fires the hooks, `GET /deliveries` lists hook deliveries
 * (token headers removed). Loopback only, no auth: a sandbox tool.
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
      if (!body?.project || !body.files || typeof body.files !== 'object') return sendJson(res, 400, { message: 'project and files are required' });
      const p = gl.store.findProject(body.project);
      if (!p) return sendJson(res, 404, { message: `no project ${body.project}` });
      const branch = body.branch ?? p.defaultBranch ?? 'main';
      const commit = gl.push(p.id, { branch, files: body.files, message: body.message ?? 'sandbox push' });
      return sendJson(res, 201, { project: p.path_with_namespace, projectId: p.id, branch, commit });
    }
    if (req.method === 'GET' && path === '/deliveries') {
      // The records carry X-Gitlab-Token for tests; an HTTP listing must not.
      const list = gl.deliveries().map(({ headers, ...d }) => ({ ...d, headers: Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'x-gitlab-token')) }));
      return sendJson(res, 200, { deliveries: list });
    }
    sendJson(res, 404, { message: 'POST /push or GET /deliveries' });
  });
}
