import type { GitlabEmulatorOptions } from '../emulator';
import type { SeedProject } from '../types';
import { minimumAccess } from './access';
import { componentProjects } from './components';
import { infraProject, javaDemo } from './java-demo';
import { realWorldProjects, seedGroupVariables } from './real-world';
import { seedTemplates } from './templates';

export { componentProjects } from './components';
export { minimumAccess, SANDBOX_USER } from './access';
export { JAVA_DEMO_CI, infraProject, javaDemo } from './java-demo';
export { realWorldProjects, seedGroupVariables } from './real-world';
export { seedTemplates } from './templates';

/**
 * The default seeded instance: java-demo (id 1), ops/infra (id 2, files from `infraFiles`), then the real-world set.
 * @example startGitlabEmulator({ token, projects: seedProjects(), groupVariables: seedGroupVariables, templates: seedTemplates })
 */
export function seedProjects(infraFiles?: Record<string, string>): SeedProject[] {
  return [javaDemo, infraProject(infraFiles), ...realWorldProjects];
}

/**
 * Everything a seeded instance needs (the sandbox default): projects (plus the CI/CD component projects), group
 * variables, CI templates, and `token` as the sandbox's GITLAB_TOKEN with the documented minimum scopes and roles
 * (`minimumAccess` over every seeded project: it walks them all), not an admin's.
 * @example const gl = await startGitlabEmulator(seededGitlabOptions(token, infraFiles));
 */
export function seededGitlabOptions(token: string, infraFiles?: Record<string, string>): Pick<GitlabEmulatorOptions, 'token' | 'tokenAccess' | 'projects' | 'groupVariables' | 'templates'> {
  const projects = [...seedProjects(infraFiles), ...componentProjects];
  return { token, tokenAccess: minimumAccess(projects, seedGroupVariables), projects, groupVariables: seedGroupVariables, templates: seedTemplates };
}
