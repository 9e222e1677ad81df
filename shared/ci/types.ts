/**
 * Types of CI image discovery: the `CiFileSource` port (where CI files come from) and the `CiDiscovery` result.
 * Discovery never throws for bad CI content; every problem lands in `errors` or `unresolved` of the file it concerns.
 */

/** Where CI files come from. Every read returns `undefined` when the file does not exist (or cannot be read). */
export interface CiFileSource {
  /** A file of the project being discovered (`include:local`, child pipelines); `path` is repo-relative. */
  readLocal(path: string): Promise<string | undefined>;
  /** `include:project` — `ref` undefined means the project's default branch. */
  readProject(project: string, ref: string | undefined, file: string): Promise<string | undefined>;
  /** `include:template`, e.g. `Security/SAST.gitlab-ci.yml`. */
  readTemplate(name: string): Promise<string | undefined>;
  /** `include:remote`; only called for https URLs on the allowlist (`limits.remoteAllowlist`, parsed origins). */
  readRemote?(url: string): Promise<string | undefined>;
  /**
   * Every file path of a project at a ref, for `include:rules:exists` and wildcard `include:local`. `project`
   * undefined = the project under discovery at the ref under discovery. Undefined when no listing is available.
   */
  listFiles?(project: string | undefined, ref: string | undefined): Promise<string[] | undefined>;
  /** Releases (tag → commit) of a project, for `include:component` versions `~latest`, `1` and `1.2`. */
  listReleases?(project: string): Promise<Array<{ tag: string; sha: string }> | undefined>;
  /** GitLab's CI Lint `merged_yaml` for `content` (includes already merged), when the source can ask GitLab. */
  lintMerged?(content: string): Promise<string | undefined>;
}

/** Limits that keep one hostile or broken file from costing more than it is worth. */
export interface CiLimits {
  /** Largest file read, in bytes (GitLab's default `max_yaml_size_bytes` is 1 MiB). */
  maxFileBytes: number;
  /** Include items processed per pipeline (GitLab: 150). */
  maxIncludes: number;
  /** Include nesting depth (GitLab: 100). */
  maxIncludeDepth: number;
  /** `parallel:matrix` combinations per job (GitLab: 200). */
  maxMatrixJobs: number;
  /** Child pipelines nest at most this deep (GitLab: 2). */
  maxChildDepth: number;
  /** https URL prefixes (compared as parsed origin + path) that `include:remote` may fetch; empty = none. */
  remoteAllowlist: string[];
}

/** Defaults mirroring GitLab's own limits (docs.gitlab.com ci/yaml/includes "Include limits"). */
export const DEFAULT_CI_LIMITS: CiLimits = {
  maxFileBytes: 1024 * 1024,
  maxIncludes: 150,
  maxIncludeDepth: 100,
  maxMatrixJobs: 200,
  maxChildDepth: 2,
  remoteAllowlist: [],
};

/** Input of `discoverImages`. */
export interface DiscoverInput {
  /** Repo-relative path of the CI file (usually `.gitlab-ci.yml`, or the project's `ci_config_path`). */
  path: string;
  /** File content; read through `source.readLocal(path)` when absent. */
  content?: string;
  source: CiFileSource;
  /** Project/group (and instance) CI/CD variables; they beat `.gitlab-ci.yml` variables like in GitLab. */
  variables?: Record<string, string>;
  /** Predefined variables we know before a pipeline exists (see `predefinedVariables`). */
  predefined?: Record<string, string>;
  /** Pipeline inputs for a root file with a `spec: inputs:` header (defaults apply otherwise). */
  inputs?: Record<string, unknown>;
  /** The runner's `[runners.kubernetes] image`, used for jobs that name no image. */
  defaultImage?: string;
  /** The runner's helper image; when given it joins every pod set (it is pulled for every job pod). */
  helperImage?: string;
  limits?: Partial<CiLimits>;
  /**
   * When to use the source's `lintMerged`: `fallback` (default) only when our own include resolution left an include
   * unresolved or unreadable; `prefer` first (comparisons, tests); `off` never.
   */
  lint?: 'fallback' | 'prefer' | 'off';
}

/** Where a job's build image came from; `runner-default` means the job named none. */
export type ImageSource = 'job' | 'default' | 'global' | 'runner-default' | 'none';

/** A reference we could not turn into a concrete image, with the reason. */
export interface CiUnresolved {
  job: string;
  ref: string;
  reason: string;
}

/** One job that runs a pod. */
export interface CiJob {
  name: string;
  /** The pod set: build image first, then service images (plus the helper image when given). */
  images: string[];
  imageSource: ImageSource;
  /** One pod set per `parallel:matrix` combination (only for matrix jobs). */
  podSets?: string[][];
  unresolved: { ref: string; reason: string }[];
}

/** A problem with one file (missing include, broken YAML, loop, size) — the rest of the discovery goes on. */
export interface CiFileError {
  file: string;
  message: string;
  /** Where in the file, when the parser said (YAML syntax errors); 1-based. */
  line?: number;
  column?: number;
  /**
   * GitLab did not serve what discovery asked for (a file, a file listing, a component's releases; after the port's
   * retries): an outage or a token problem, not a broken configuration. Never told to a project as its CI's fault.
   */
  unserved?: true;
}

/** Result of `discoverImages`. `images` is sorted, unique and never holds a `$`. */
export interface CiDiscovery {
  file: string;
  jobs: CiJob[];
  images: string[];
  unresolved: CiUnresolved[];
  errors: CiFileError[];
}

/** A plain YAML mapping after parsing. */
export type CiMap = Record<string, unknown>;
