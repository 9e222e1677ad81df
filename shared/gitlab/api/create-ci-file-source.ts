import type { GitlabPort, ProjectRef } from './types';

/**
 * Where CI discovery reads the files a `.gitlab-ci.yml` pulls in (`include: local|project|template`) and asks GitLab
 * for the merged config. Structurally the `CiFileSource` of shared/ci/types.ts (declared here too so this port does
 * not depend on the discovery module; TypeScript's structural typing makes the two interchangeable).
 */
export interface CiFileSource {
  /** A file of the project under discovery, at the ref under discovery (leading `/` allowed, as in `include: local`). */
  readLocal(path: string): Promise<string | undefined>;
  /** `include: { project, ref?, file }`; no ref = that project's default branch (GitLab's rule). */
  readProject(project: string, ref: string | undefined, file: string): Promise<string | undefined>;
  /** `include: { template }`, with or without the `.gitlab-ci.yml` suffix. */
  readTemplate(name: string): Promise<string | undefined>;
  /** GitLab's `merged_yaml` for `content`; undefined when lint is unavailable or the config is invalid. */
  lintMerged?(content: string): Promise<string | undefined>;
  /** `include:remote` (allowlisted https only); present when the caller gave a remote reader. */
  readRemote?(url: string): Promise<string | undefined>;
  /** File paths of a project at a ref (`rules:exists`, wildcards); undefined project = the bound one. */
  listFiles?(project: string | undefined, ref: string | undefined): Promise<string[] | undefined>;
  /** Releases of a project, for `include:component` `~latest` / partial versions. */
  listReleases?(project: string): Promise<Array<{ tag: string; sha: string }> | undefined>;
}

/** Extras of the CI file source beyond GitLab's API. */
export interface CiFileSourceOptions {
  /** `include:remote` fetcher (shared/ci/remote-reader.ts); without it remote includes stay unresolved. */
  readRemote?: (url: string) => Promise<string | undefined>;
  /**
   * Offer GitLab's CI Lint (default true). Static lint resolves includes at the default branch HEAD whatever ref is
   * posted (lib/api/lint.rb, lib/gitlab/ci/lint.rb), so callers discovering another ref must switch it off.
   */
  lint?: boolean;
}

const stripSlash = (p: string): string => p.replace(/^\/+/, '');

/** Bind the GitLab port to one project and ref for CI discovery. */
export function createCiFileSource(port: GitlabPort, project: ProjectRef, ref: string, opts: CiFileSourceOptions = {}): CiFileSource {
  const defaultBranches = new Map<string, Promise<string | null>>();
  const defaultBranch = (other: string): Promise<string | null> => {
    if (!defaultBranches.has(other)) defaultBranches.set(other, port.getProject(other).then((p) => p.default_branch));
    return defaultBranches.get(other)!;
  };
  const source: CiFileSource = {
    readLocal: (path) => port.readFile(project, stripSlash(path), ref),
    async readProject(other, otherRef, file) {
      const r = otherRef || ((await defaultBranch(other)) ?? undefined);
      if (!r) return undefined;
      return port.readFile(other, stripSlash(file), r);
    },
    // Through the project templates route: GitLab's global route takes `[\w.-]+` names only, so nested templates
    // (`Security/SAST`, `Jobs/Build`) are served by `GET /projects/:id/templates/gitlab_ci_ymls/:name` alone
    // (lib/api/templates.rb vs lib/api/project_templates.rb). The project only gives the request its context.
    readTemplate: (name) => port.readTemplate(name.replace(/\.gitlab-ci\.yml$/, ''), project),
  };
  if (opts.lint !== false) {
    source.lintMerged = async (content) => {
      const r = await port.lintMerged(project, content, ref);
      // An invalid config has no trustworthy merge; discovery then reports its own, more specific errors.
      return r?.valid ? r.mergedYaml : undefined;
    };
  }
  if (opts.readRemote) source.readRemote = opts.readRemote;
  const listFiles = port.listFiles?.bind(port);
  if (listFiles) {
    source.listFiles = async (other, otherRef) => {
      if (other === undefined) return listFiles(project, ref);
      const r = otherRef || ((await defaultBranch(other).catch(() => null)) ?? undefined);
      return r ? listFiles(other, r) : undefined;
    };
  }
  const listReleases = port.listReleases?.bind(port);
  if (listReleases) source.listReleases = (other) => listReleases(other);
  return source;
}
