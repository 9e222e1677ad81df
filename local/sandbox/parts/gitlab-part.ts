import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededGitlabOptions, startGitlabEmulator } from '#local/gitlab/index';
import type { SandboxPart } from '../boot';
import { stateFault } from '../named-faults';
import { startGitlabAdmin } from './gitlab-admin';

const INFRA_DIR = fileURLToPath(new URL('../../../infra/', import.meta.url));
/** The infra project's path (INFRA_PROJECT); its files are the repo's infra/ under `infra/` (INFRA_PATH default). */
export const SANDBOX_INFRA_PROJECT = 'ops/infra';

/** The GitLab release of the sandbox (the emulator's /metadata and the ECS host's installed package). */
export const SANDBOX_GITLAB_VERSION = '17.5.1-ee';

/** Every file under `dir`, keyed `<prefix><relative path>` (the infra repo layout: `infra/k8s/nas-pv.yaml`, ...). */
export function readTree(dir: string, prefix = ''): Record<string, string> {
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[`${prefix}${relative(dir, p).split('\\').join('/')}`] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/**
 * GitLab emulator seeded like the guide's instance (java-demo, ops/infra holding this repo's infra/, the real-world
 * set). Sets GITLAB_URL, GITLAB_TOKEN (random per boot) and INFRA_PROJECT; GITLAB_ADMIN_TOKEN for the CLI only.
 * Once the runtime is up it registers a system hook and the infra project's hook at `/gitlab-webhook` with the
 * sandbox WEBHOOK_SECRET, as docs/deploy.md §5 tells an admin to. `gitlab-admin` is a loopback push endpoint for the
 * CLI (`sandbox push`) and tests. Contributes the fault `gitlab-status-busy` (commit status updates answer 409).
 */
export function createGitlabPart(opts: { infraDir?: string; pipelineStepMs?: number } = {}): SandboxPart {
  return {
    name: 'gitlab',
    async start(ctx) {
      const token = `glpat-sandbox${randomBytes(10).toString('hex')}`;
      const infra = readTree(opts.infraDir ?? INFRA_DIR, 'infra/');
      // The infra repo's pipeline (helmfile apply) sits at its root, as test/e2e/reconcile.test.ts lays it out.
      const pipeline = infra['infra/ci/.gitlab-ci.yml'];
      const infraFiles = Object.keys(infra).length ? { 'README.md': '# infra\nDesired state for gitlab-ask-ops.\n', ...(pipeline ? { '.gitlab-ci.yml': pipeline } : {}), ...infra } : undefined;
      const held: { release?: () => void; hold?: () => () => void } = {};
      const busy = stateFault({
        name: 'gitlab-status-busy',
        description: 'every commit status update finds another one holding the commit\'s lock: 409 "Another update to this commit status is in progress"',
        apply: () => void (held.release ??= held.hold?.()),
        revert: () => {
          held.release?.();
          held.release = undefined;
        },
      });
      // A 0.5 s lock wait (GitLab: 20 × 0.5 s) keeps a rehearsal of `gitlab-status-busy` short.
      // The same release the sandbox's GitLab host runs (local/ecs/host-layout.ts): the instance behind both, so a
      // restore's or drill's version check passes, and the host's backups hold this emulator's database.
      const gl = await startGitlabEmulator({ ...seededGitlabOptions(token, infraFiles), version: SANDBOX_GITLAB_VERSION, pipelineStepMs: opts.pipelineStepMs ?? 500, statusLockWaitMs: 500, onStatusConflict: () => busy.used() });
      if (ctx.links) ctx.links.gitlabDatabase = () => gl.database();
      held.hold = () => gl.statuses.hold('*');
      const admin = await startGitlabAdmin(gl).catch(async (e: unknown) => {
        await gl.close();
        throw e;
      });
      // An administrator's read_api token for `ops doctor` (system hooks are admin-only); the CLI's, never the functions'.
      const adminToken = gl.mintToken({ admin: true, scopes: ['read_api'], name: 'ops-doctor' });
      // The restore drill compares counts through GET /application/statistics: an administrator's read_api token,
      // as docs/deploy.md asks for DRILL_GITLAB_TOKEN (the functions' own GITLAB_TOKEN stays the documented minimum).
      const drillToken = gl.mintToken({ admin: true, scopes: ['read_api'], name: 'gitlab-ask-ops-drill' });
      return {
        env: { GITLAB_URL: gl.url, GITLAB_TOKEN: token, INFRA_PROJECT: SANDBOX_INFRA_PROJECT, DRILL_GITLAB_TOKEN: drillToken },
        cliEnv: { GITLAB_ADMIN_TOKEN: adminToken },
        urls: { gitlab: gl.url, 'gitlab-admin': admin.url },
        faults: [busy],
        async afterStart(sb) {
          const url = sb.urls['gitlab-webhook'];
          if (!url) throw new Error('sandbox gitlab part: the runtime serves no gitlab-webhook trigger');
          const secret = sb.env.WEBHOOK_SECRET;
          // Events as docs/deploy.md §5: push, repository update, merge request; the infra hook adds pipelines.
          gl.addSystemHook({ url, ...(secret ? { token: secret } : {}), mergeRequestEvents: true });
          gl.addProjectHook(SANDBOX_INFRA_PROJECT, { url, ...(secret ? { token: secret } : {}), events: ['pipeline'] });
        },
        async close() {
          await admin.close();
          await gl.close();
        },
      };
    },
  };
}

/** The default GitLab part of `sandboxParts`. */
export const gitlabPart: SandboxPart = createGitlabPart();
