/** Predefined variables `predefinedVariables` can supply; any other CI_* name is known only at pipeline time. */
export const KNOWABLE_PREDEFINED = new Set([
  'CI_PROJECT_PATH', 'CI_PROJECT_NAMESPACE', 'CI_PROJECT_ROOT_NAMESPACE', 'CI_PROJECT_NAME', 'CI_PROJECT_PATH_SLUG',
  'CI_DEFAULT_BRANCH', 'CI_COMMIT_REF_NAME', 'CI_COMMIT_BRANCH', 'CI_COMMIT_REF_SLUG', 'CI_SERVER_HOST', 'CI_SERVER_PORT',
  'CI_SERVER_FQDN', 'CI_SERVER_URL', 'CI_TEMPLATE_REGISTRY_HOST', 'CI_REGISTRY', 'CI_REGISTRY_IMAGE',
  'CI_DEPENDENCY_PROXY_SERVER', 'CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX', 'CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX',
]);

/** What we know about a project before any pipeline runs. */
export interface ProjectFacts {
  /** `group/sub/project`. */
  projectPath: string;
  defaultBranch: string;
  /** GitLab host name, e.g. `gitlab.example.com`. */
  serverHost: string;
  /** Port of the GitLab web server (443 unless told). */
  serverPort?: number;
  /** Container registry `host[:port]`; CI_REGISTRY* are set only when the registry is enabled. */
  registry?: string;
  /** Set the dependency-proxy prefixes (the proxy is enabled for the group). */
  dependencyProxy?: boolean;
  /** Defaults to `registry.gitlab.com` (predefined_variables.md, 15.3+). */
  templateRegistryHost?: string;
}

/** GitLab's `CI_COMMIT_REF_SLUG`: lowercased, non-alphanumerics to `-`, at most 63 chars, no `-` at either end. */
export function refSlug(ref: string): string {
  return ref
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
}

/**
 * The predefined variables that can be known before a pipeline exists, for the default branch
 * (doc/ci/variables/predefined_variables.md). Pipeline-time values (CI_COMMIT_SHA, CI_PIPELINE_ID, ...) are absent
 * on purpose: images that use them cannot be cached ahead.
 */
export function predefinedVariables(f: ProjectFacts): Record<string, string> {
  const segments = f.projectPath.split('/');
  const name = segments[segments.length - 1] ?? f.projectPath;
  const namespace = segments.slice(0, -1).join('/');
  const port = f.serverPort ?? 443;
  const out: Record<string, string> = {
    CI_PROJECT_PATH: f.projectPath,
    CI_PROJECT_NAMESPACE: namespace,
    CI_PROJECT_ROOT_NAMESPACE: segments[0] ?? '',
    CI_PROJECT_NAME: name,
    CI_PROJECT_PATH_SLUG: refSlug(f.projectPath),
    CI_DEFAULT_BRANCH: f.defaultBranch,
    CI_COMMIT_REF_NAME: f.defaultBranch,
    CI_COMMIT_BRANCH: f.defaultBranch,
    CI_COMMIT_REF_SLUG: refSlug(f.defaultBranch),
    CI_SERVER_HOST: f.serverHost,
    CI_SERVER_PORT: String(port),
    CI_SERVER_FQDN: port === 443 ? f.serverHost : `${f.serverHost}:${port}`,
    CI_SERVER_URL: `https://${f.serverHost}${port === 443 ? '' : `:${port}`}`,
    CI_TEMPLATE_REGISTRY_HOST: f.templateRegistryHost ?? 'registry.gitlab.com',
  };
  if (f.registry) {
    out.CI_REGISTRY = f.registry;
    // GitLab lowercases the path for the image name (ContainerRegistry::Path).
    out.CI_REGISTRY_IMAGE = `${f.registry}/${f.projectPath.toLowerCase()}`;
  }
  if (f.dependencyProxy) {
    // Values carry the port, e.g. gitlab.com:443/gitlab-org/dependency_proxy/containers.
    const server = `${f.serverHost}:${port}`;
    out.CI_DEPENDENCY_PROXY_SERVER = server;
    out.CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX = `${server}/${segments[0]}/dependency_proxy/containers`;
    out.CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX = `${server}/${namespace}/dependency_proxy/containers`;
  }
  return out;
}
