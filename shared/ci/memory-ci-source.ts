import type { CiFileSource } from './types';

/** Files for `memoryCiSource`: keys are repo paths, `project:file` (optionally `@ref`), template names, URLs. */
export interface MemoryCiFiles {
  local?: Record<string, string>;
  /** Key `group/project:path/file.yml` or `group/project:path/file.yml@ref`. */
  projects?: Record<string, string>;
  templates?: Record<string, string>;
  remote?: Record<string, string>;
  /** Project path → releases (tag and commit), for `include:component` `~latest` / partial versions. */
  releases?: Record<string, Array<{ tag: string; sha: string }>>;
  /** False = the source offers no file listing (`listFiles` absent), like a source without repository access. */
  listing?: boolean;
  /** When set, acts as GitLab's CI Lint: returns `merged_yaml` for the given content. */
  lint?: (content: string) => string | undefined;
}

/**
 * An in-memory `CiFileSource` for tests, the bench and callers that already hold the files. Records every read in
 * `reads` so tests can assert what was (not) fetched.
 */
export function memoryCiSource(files: MemoryCiFiles): CiFileSource & { reads: string[] } {
  const reads: string[] = [];
  const src: CiFileSource & { reads: string[] } = {
    reads,
    readLocal: (path) => {
      reads.push(`local:${path}`);
      return Promise.resolve(files.local?.[path]);
    },
    readProject: (project, ref, file) => {
      reads.push(`project:${project}:${file}${ref ? `@${ref}` : ''}`);
      const p = files.projects ?? {};
      return Promise.resolve((ref ? p[`${project}:${file}@${ref}`] : undefined) ?? p[`${project}:${file}`]);
    },
    readTemplate: (name) => {
      reads.push(`template:${name}`);
      return Promise.resolve(files.templates?.[name]);
    },
    readRemote: (url) => {
      reads.push(`remote:${url}`);
      return Promise.resolve(files.remote?.[url]);
    },
  };
  if (files.listing !== false) {
    // The listing is derived from the files given: the local ones, or `project:path[@ref]` keys of that project.
    src.listFiles = (project, ref) => {
      reads.push(`list:${project ?? ''}${ref ? `@${ref}` : ''}`);
      if (project === undefined) return Promise.resolve(Object.keys(files.local ?? {}).sort());
      const paths = new Set<string>();
      for (const key of Object.keys(files.projects ?? {})) {
        const m = /^([^:]+):([^@]+)(?:@(.+))?$/.exec(key);
        if (m && m[1] === project && (m[3] === undefined || m[3] === ref)) paths.add(m[2]!);
      }
      return Promise.resolve([...paths].sort());
    };
  }
  if (files.releases) {
    const releases = files.releases;
    src.listReleases = (project) => {
      reads.push(`releases:${project}`);
      return Promise.resolve(releases[project]);
    };
  }
  const lint = files.lint;
  if (lint) src.lintMerged = (content) => Promise.resolve(lint(content));
  return src;
}
