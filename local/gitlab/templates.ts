/**
 * GitLab's CI template finder, as the API and `include:template` use it. Templates live under
 * lib/gitlab/ci/templates, keyed by their path without `.gitlab-ci.yml` (`Docker`, `Security/SAST`, `Jobs/Build`).
 *
 * - `find(key)` is Gitlab::Template::Finders::GlobalTemplateFinder#find: the file `<key>.gitlab-ci.yml` is looked
 *   up in each category directory of GitlabCiYmlTemplate.categories (General = the base directory itself, Pages,
 *   Verify, autodeploy), plus Security for `SAST` (include_categories_for_file); `*.latest.*` and
 *   Verify/Browser-Performance are excluded. A key with a slash is therefore found from the base directory, which
 *   is how `include: template: Security/SAST.gitlab-ci.yml` works
 *   (gitlabhq lib/gitlab/template/gitlab_ci_yml_template.rb, lib/gitlab/template/finders/global_template_finder.rb,
 *   lib/gitlab/ci/config/external/file/template.rb).
 * - The content is the template's `description` line, a newline, then the file (BaseTemplate#content).
 * - The list (`GET /templates/gitlab_ci_ymls`) holds only the files directly inside a category directory, keyed by
 *   base name (BaseTemplate#name = File.basename): nested templates such as `Jobs/Build` are not listed.
 */
export const TEMPLATE_DESCRIPTION = '# This file is a template, and might need editing before it works on your project.';

const CATEGORY_DIRS = ['', 'Pages', 'Verify', 'autodeploy'];
const EXCLUDED = [/\.latest\./, /Verify\/Browser-Performance/];

export class CiTemplates {
  constructor(private readonly files: ReadonlyMap<string, string>) {}

  /** The stored path (key) a finder lookup lands on, or undefined. */
  find(key: string): string | undefined {
    // `excluded?(key)` sees the key without suffix: `Jobs/Build.latest` stays findable (GitLab redirects to such
    // keys itself), only the listing, which sees file names, leaves `*.latest.*` out.
    if (EXCLUDED.some((re) => re.test(key))) return undefined;
    // Gitlab::PathTraversal.check_path_traversal! raises on `..` segments; the API then answers 404 as for unknown.
    if (key.split('/').includes('..') || key.startsWith('/')) return undefined;
    const dirs = key === 'SAST' ? [...CATEGORY_DIRS, 'Security'] : CATEGORY_DIRS;
    for (const dir of dirs) {
      const path = dir ? `${dir}/${key}` : key;
      if (this.files.has(path)) return path;
    }
    return undefined;
  }

  /** API::Entities::Template for a found key: `name` is the base name, `content` carries the description line. */
  show(key: string): { name: string; content: string } | undefined {
    const path = this.find(key);
    if (path === undefined) return undefined;
    return { name: path.split('/').at(-1)!, content: `${TEMPLATE_DESCRIPTION}\n${this.files.get(path)!}` };
  }

  /** What `include: template:` reads (`<key>.gitlab-ci.yml`, suffix already removed by the caller). */
  content(key: string): string | undefined {
    return this.show(key)?.content;
  }

  /** `GET /templates/gitlab_ci_ymls`: category by category, each sorted by name. */
  list(): Array<{ key: string; name: string }> {
    return CATEGORY_DIRS.flatMap((dir) =>
      [...this.files.keys()]
        .filter((k) => (dir ? k.startsWith(`${dir}/`) && !k.slice(dir.length + 1).includes('/') : !k.includes('/')))
        .filter((k) => !EXCLUDED.some((re) => re.test(`${k}.gitlab-ci.yml`)))
        .map((k) => k.split('/').at(-1)!)
        .sort()
        .map((name) => ({ key: name, name })),
    );
  }
}

/**
 * The global route's name requirement, `requirements: { name: /[\w\.-]+/ }` (lib/api/templates.rb), checked against
 * the raw path segment: `Security%2FSAST` holds `%` and does not match, so the request falls through to the API's
 * catch-all 404. The project route (lib/api/project_templates.rb) allows `/[\w%.+-]+/`, and Grape hands the
 * decoded name (`Security/SAST`) to the finder.
 */
export const GLOBAL_TEMPLATE_NAME = /^[\w.-]+$/;
export const PROJECT_TEMPLATE_NAME = /^[\w%.+-]+$/;
