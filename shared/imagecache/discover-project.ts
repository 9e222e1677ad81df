import { discoverImages, predefinedVariables, type CiFileError, type CiUnresolved } from '#shared/ci/index';
import { AppError } from '#shared/errors/index';
import { createCiFileSource, gitlabMessageOf, hasHttpStatus, type GitlabPort, type ProjectInfo } from '#shared/gitlab/api/index';
import type { RunnerImages } from './read-runner-images';
import type { PodSet } from './types';

/** What discovery found (or could not) for one project: goes into the prewarm report. */
export interface ProjectReport {
  id: number;
  path: string;
  podSets: number;
  unresolved: CiUnresolved[];
  errors: string[];
  /** Not re-discovered this run: the pod sets come from the image-set store (ADR 0013). */
  memo?: boolean;
  /**
   * The CI configuration does not parse or its includes cannot be resolved (as GitLab would refuse it): the project
   * keeps its previous image set (`kept`) and the run is `degraded` (docs/adr/0024). Each names file, line, error.
   */
  configErrors?: CiFileError[];
  /** The earlier image set kept in place of a broken configuration's (absent: there was none). */
  kept?: { podSets: number; discoveredAt: string; sha?: string };
  /**
   * Discovery was incomplete because of what the token may not do (e.g. `token lacks Maintainer on project g/p: its
   * CI/CD variables were not read`), and it mattered: some images stayed unresolved for it. The run is `degraded`.
   */
  degraded?: string[];
  /**
   * The entries of `errors` that are GitLab not answering (the project itself, or a file, listing or release list it
   * did not serve): the platform's problem, told as `discovery failed`, never as the project's CI config (ADR 0024).
   */
  unserved?: string[];
}

/** Instance facts discovery needs to expand predefined variables (from GITLAB_URL / GITLAB_REGISTRY_HOST / …). */
export interface InstanceFacts {
  serverHost: string;
  serverPort?: number;
  registryHost?: string;
  dependencyProxy?: boolean;
  /** CI_CONFIG_PATH: the file when a project sets none. */
  ciConfigPath: string;
  remoteAllowlist: string[];
  /** `include:remote` fetcher for allowlisted URLs (shared/ci/remote-reader.ts); absent = remote includes unresolved. */
  readRemote?: (url: string) => Promise<string | undefined>;
}

/**
 * Discover one project's job pod sets on its default branch. `ci_config_path` may point into another project
 * (`path@group/project[:ref]`). Bad CI content and unknown variables are reported, never thrown; GitLab errors
 * (after the port's retries) are thrown for the caller to report per project.
 */
export async function discoverProject(gitlab: GitlabPort, p: ProjectInfo, runner: RunnerImages, facts: InstanceFacts): Promise<{ sets: PodSet[]; report: ProjectReport }> {
  try {
    return await discover(gitlab, p, runner, facts);
  } catch (e) {
    // A 403 on a call discovery cannot do without (the CI file, the project): name the role, keep GitLab's words.
    if (!hasHttpStatus(e, 403)) throw e;
    throw new AppError('GITLAB_API', `token cannot read the CI configuration of project ${p.path_with_namespace} (needs the read_api scope and Reporter on a private project): ${gitlabMessageOf(e) ?? (e as Error).message}`, { status: 403, cause: e, details: { httpStatus: 403 } });
  }
}

/** Variable-less unresolved images get the token's missing rights appended: those variables might have named them. */
const UNSUPPLIED = 'not defined in the file or the given variables';

async function discover(gitlab: GitlabPort, p: ProjectInfo, runner: RunnerImages, facts: InstanceFacts): Promise<{ sets: PodSet[]; report: ProjectReport }> {
  const report: ProjectReport = { id: p.id, path: p.path_with_namespace, podSets: 0, unresolved: [], errors: [] };
  if (!p.default_branch) return { sets: [], report: { ...report, errors: ['empty repository (no default branch)'] } };
  const configured = p.ci_config_path || facts.ciConfigPath;
  if (/^https?:\/\//.test(configured)) return { sets: [], report: { ...report, errors: [`remote CI config ${configured} is not read`] } };
  const [file, other] = configured.split('@', 2) as [string, string | undefined];
  const [otherPath, otherRef] = other ? (other.split(':', 2) as [string, string | undefined]) : [undefined, undefined];
  const ref = otherPath ? (otherRef ?? (await gitlab.getProject(otherPath)).default_branch ?? p.default_branch) : p.default_branch;
  // GitLab's static lint reads includes at the default branch HEAD, so it only stands in for a default-branch file.
  const source = createCiFileSource(gitlab, otherPath ?? p.id, ref, { lint: !otherRef, ...(facts.readRemote ? { readRemote: facts.readRemote } : {}) });
  const content = await source.readLocal(file);
  if (content === undefined) return { sets: [], report: { ...report, errors: [] } };
  const { variables, denied } = await gitlab.readCiVariables(p);
  const predefined = predefinedVariables({
    projectPath: p.path_with_namespace,
    defaultBranch: p.default_branch,
    serverHost: facts.serverHost,
    ...(facts.serverPort ? { serverPort: facts.serverPort } : {}),
    ...(facts.registryHost ? { registry: facts.registryHost } : {}),
    ...(facts.dependencyProxy ? { dependencyProxy: true } : {}),
  });
  const d = await discoverImages({
    path: file,
    content,
    source,
    variables,
    predefined,
    ...(runner.defaultImage ? { defaultImage: runner.defaultImage } : {}),
    ...(runner.helperImage ? { helperImage: runner.helperImage } : {}),
    limits: { remoteAllowlist: facts.remoteAllowlist },
  });
  const sets: PodSet[] = d.jobs.flatMap((j) =>
    (j.podSets ?? [j.images]).filter((s) => s.length > 0).map((images) => ({ images, sources: [{ kind: 'job' as const, projectId: p.id, project: p.path_with_namespace, job: j.name }] })),
  );
  const unresolved = denied.length ? d.unresolved.map((u) => (u.reason.includes(UNSUPPLIED) ? { ...u, reason: `${u.reason} (${denied.join('; ')})` } : u)) : d.unresolved;
  const mattered = denied.length > 0 && d.unresolved.some((u) => u.reason.includes(UNSUPPLIED));
  // What GitLab did not serve (after the port's retries) is an outage, not a broken configuration.
  const configErrors = d.errors.filter((e) => !e.unserved);
  const unserved = d.errors.filter((e) => e.unserved).map((e) => `${where(e)}: ${e.message}`);
  return {
    sets,
    report: {
      ...report, podSets: sets.length, unresolved, errors: d.errors.map((e) => `${where(e)}: ${e.message}`),
      ...(configErrors.length ? { configErrors } : {}), ...(mattered ? { degraded: denied } : {}), ...(unserved.length ? { unserved } : {}),
    },
  };
}

/** `file:line:column` when the parser said where, else the file. */
export const where = (e: CiFileError): string => (e.line ? `${e.file}:${e.line}:${e.column ?? 1}` : e.file);
