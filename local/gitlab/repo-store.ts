import { createHash } from 'node:crypto';
import type { SeedProject, SeedVariable } from './types';

/** The acting user of every emulated push and API call (GitLab's first admin). */
export const ROOT_USER = { id: 1, name: 'Administrator', username: 'root', email: 'admin@example.com' } as const;
export const ZERO_SHA = '0'.repeat(40);

export interface Commit {
  id: string;
  parent: string | null;
  message: string;
  timestamp: string;
  files: Map<string, string>;
  added: string[];
  modified: string[];
  removed: string[];
}

export interface Group {
  id: number;
  path: string;
  full_path: string;
  parent_id: number | null;
  variables: SeedVariable[];
}

export interface Project {
  id: number;
  path: string;
  path_with_namespace: string;
  namespace: { id: number; path: string; full_path: string; kind: 'group' | 'user'; parent_id: number | null };
  defaultBranch: string | null;
  branches: Map<string, string>;
  /** Tag name → commit id. */
  tags: Map<string, string>;
  /** Releases (tag names), oldest first. */
  releases: string[];
  commits: Map<string, Commit>;
  seed: SeedProject;
  createdAt: string;
  lastActivityAt: string;
}

/** Projects, groups and a toy git history (branch → commit → full file snapshot). */
export class RepoStore {
  readonly projects: Project[] = [];
  readonly groups = new Map<string, Group>();
  private seq = 0;

  constructor(seed: SeedProject[], groupVariables: Record<string, SeedVariable[]> = {}, private now: () => Date = () => new Date()) {
    let nextId = 1;
    for (const s of seed) this.addProject(s, s.id ?? nextId++);
    for (const [path, vars] of Object.entries(groupVariables)) this.ensureGroup(path).variables.push(...vars);
  }

  private ensureGroup(fullPath: string): Group {
    const have = this.groups.get(fullPath);
    if (have) return have;
    const parts = fullPath.split('/');
    const parent = parts.length > 1 ? this.ensureGroup(parts.slice(0, -1).join('/')) : null;
    const g: Group = { id: 100 + this.groups.size, path: parts.at(-1)!, full_path: fullPath, parent_id: parent?.id ?? null, variables: [] };
    this.groups.set(fullPath, g);
    return g;
  }

  private addProject(s: SeedProject, id: number): void {
    const parts = s.path.split('/');
    const nsPath = parts.slice(0, -1).join('/');
    const ns = s.userNamespace
      ? { id: 900 + id, path: nsPath, full_path: nsPath, kind: 'user' as const, parent_id: null }
      : (() => {
          const g = this.ensureGroup(nsPath);
          return { id: g.id, path: g.path, full_path: g.full_path, kind: 'group' as const, parent_id: g.parent_id };
        })();
    const at = this.now().toISOString();
    const p: Project = {
      id, path: parts.at(-1)!, path_with_namespace: s.path, namespace: ns, defaultBranch: null,
      branches: new Map(), tags: new Map(), releases: [...(s.releases ?? [])], commits: new Map(), seed: s, createdAt: at, lastActivityAt: at,
    };
    this.projects.push(p);
    if (s.repositoryDisabled) return;
    const main = s.defaultBranch ?? 'main';
    if (s.files) this.commit(p, main, s.files, 'Initial commit');
    for (const [b, files] of Object.entries(s.branches ?? {})) this.commit(p, b, files, `Seed ${b}`);
    for (const [t, files] of Object.entries(s.tags ?? {})) this.tag(p, t, files);
  }

  /** Tag a new commit holding exactly `files` (parent: the default branch head), as a release commit would be. */
  tag(p: Project, name: string, files: Record<string, string>): Commit {
    const parent = p.defaultBranch ? p.branches.get(p.defaultBranch) ?? null : null;
    const snapshot = new Map(Object.entries(files).map(([k, v]) => [k.replace(/^\/+/, ''), v]));
    const id = createHash('sha1').update(`tag ${name}\n${++this.seq}\n${JSON.stringify([...snapshot])}`).digest('hex');
    const c: Commit = { id, parent, message: `Release ${name}`, timestamp: this.now().toISOString(), files: snapshot, added: [...snapshot.keys()], modified: [], removed: [] };
    p.commits.set(id, c);
    p.tags.set(name, id);
    return c;
  }

  /** By numeric id or full path (already URL-decoded). */
  findProject(ref: string | number): Project | undefined {
    const s = String(ref);
    return /^\d+$/.test(s) ? this.projects.find((p) => p.id === Number(s)) : this.projects.find((p) => p.path_with_namespace === s);
  }

  findGroup(ref: string): Group | undefined {
    return /^\d+$/.test(ref) ? [...this.groups.values()].find((g) => g.id === Number(ref)) : this.groups.get(ref);
  }

  /** A tag, a branch name, a full sha or a sha prefix of ≥ 7 characters (git's order: a tag wins over a branch). */
  resolveRef(p: Project, ref: string): Commit | undefined {
    const tag = p.tags.get(ref);
    if (tag) return p.commits.get(tag);
    const branch = p.branches.get(ref);
    if (branch) return p.commits.get(branch);
    if (/^[0-9a-f]{7,40}$/.test(ref)) return [...p.commits.values()].find((c) => c.id.startsWith(ref));
    return undefined;
  }

  /**
   * Commit `changes` (path → content, null = delete) on `branch` (created from the default branch when new).
   * Returns the commit and the sha the branch pointed at before (zeros for a new branch).
   */
  commit(p: Project, branch: string, changes: Record<string, string | null>, message: string): { before: string; commit: Commit } {
    const before = p.branches.get(branch) ?? ZERO_SHA;
    const base = p.commits.get(before) ?? (p.defaultBranch ? p.commits.get(p.branches.get(p.defaultBranch)!) : undefined);
    const files = new Map(base?.files ?? []);
    const added: string[] = [], modified: string[] = [], removed: string[] = [];
    for (const [path, content] of Object.entries(changes)) {
      const clean = path.replace(/^\/+/, '');
      if (content === null) {
        if (files.delete(clean)) removed.push(clean);
      } else {
        (files.has(clean) ? modified : added).push(clean);
        files.set(clean, content);
      }
    }
    const timestamp = this.now().toISOString();
    const id = createHash('sha1').update(`${before}\n${message}\n${++this.seq}\n${JSON.stringify([...files])}`).digest('hex');
    const commit: Commit = { id, parent: base?.id ?? null, message, timestamp, files, added, modified, removed };
    p.commits.set(id, commit);
    p.branches.set(branch, id);
    p.defaultBranch ??= branch;
    p.lastActivityAt = timestamp;
    return { before, commit };
  }
}
