/**
 * The two path-pattern dialects GitLab uses for CI includes, as regular expressions over repo-relative paths.
 * Both are anchored and bounded (no nested quantifiers), so a hostile pattern cannot make matching slow.
 */

const escape = (s: string): string => s.replace(/[.+^${}()|[\]\\?*]/g, '\\$&');

/**
 * Wildcard `include:local` (`configs/*.yml`, `configs/**.yml`): `**` is any text, `*` any text without `/`.
 * GitLab: app/models/repository.rb `search_files_by_wildcard_path` (RE2 `.*?` / `([^/])*?`, anchored).
 */
export function wildcardPathRegExp(pattern: string): RegExp {
  const parts = pattern.split('**').map((p) => p.split('*').map(escape).join('[^/]*'));
  return new RegExp(`^${parts.join('.*')}$`);
}

/**
 * Ruby `File.fnmatch?(glob, path, FNM_PATHNAME | FNM_DOTMATCH | FNM_EXTGLOB)` as `rules:exists`/`rules:changes`
 * use it (lib/gitlab/ci/build/rules/rule/clause/exists.rb): `*` and `?` stop at `/`, `**` then `/` spans directories,
 * `[...]` classes, `{a,b}` alternatives (one level). Dot files match (FNM_DOTMATCH).
 */
export function fnmatchRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*' && (i === 0 || glob[i - 1] === '/') && glob[i + 2] === '/') {
      out += '(?:[^/]*/)*';
      i += 2;
    } else if (c === '*') {
      while (glob[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^[!^]/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${glob.slice(i + 1, end).split(',').map(escape).join('|')})`;
        i = end;
      }
    } else out += escape(c);
  }
  return new RegExp(`^${out}$`);
}

/** True when `path` matches any of the `rules:exists` globs. */
export function anyGlobMatches(globs: string[], paths: string[]): boolean {
  const res = globs.map(fnmatchRegExp);
  return paths.some((p) => res.some((re) => re.test(p)));
}
