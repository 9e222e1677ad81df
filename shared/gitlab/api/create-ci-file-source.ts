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
  lintMerged(content: string): Promise<string | undefined>;
}

const stripSlash = (p: string): string => p.replace(/^\/+/, '');

/** Bind the GitLab port to one project and ref for CI discovery. */
export function createCiFileSource(port: GitlabPort, project: ProjectRef, ref: string): CiFileSource {
  const defaultBranches = new Map<string, Promise<string | null>>();
  return {
    readLocal: (path) => port.readFile(project, stripSlash(path), ref),
    async readProject(other, otherRef, file) {
      let r = otherRef;
      if (!r) {
        if (!defaultBranches.has(other)) defaultBranches.set(other, port.getProject(other).then((p) => p.default_branch));
        r = (await defaultBranches.get(other)) ?? undefined;
        if (!r) return undefined;
      }
      return port.readFile(other, stripSlash(file), r);
    },
    // Through the project templates route: GitLab's global route takes `[\w.-]+` names only, so nested templates
    // (`Security/SAST`, `Jobs/Build`) are served by `GET /projects/:id/templates/gitlab_ci_ymls/:name` alone
    // (lib/api/templates.rb vs lib/api/project_templates.rb). The project only gives the request its context.
    readTemplate: (name) => port.readTemplate(name.replace(/\.gitlab-ci\.yml$/, ''), project),
    async lintMerged(content) {
      const r = await port.lintMerged(project, content, ref);
      // An invalid config has no trustworthy merge; discovery then reports its own, more specific errors.
      return r?.valid ? r.mergedYaml : undefined;
    },
  };
}
